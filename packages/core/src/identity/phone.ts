/**
 * Indonesian phone numbers as people write them — `0812-3456-7890`, `+62 812 3456 7890`,
 * `62812…`, `(021) 555 1234` — to E.164 (`+6281234567890`); undefined when it cannot be one.
 */
export function normalizeIndonesianPhone(input: string): string | undefined {
  const compact = input.trim().replace(/[\s\-().]/g, "");
  if (!/^\+?\d+$/.test(compact)) return undefined;
  let national: string;
  if (compact.startsWith("+62")) national = compact.slice(3);
  else if (compact.startsWith("62")) national = compact.slice(2);
  else if (compact.startsWith("0")) national = compact.slice(1);
  else return undefined;
  // National significant numbers: mobile 8xx (9–12 digits), landline area codes 2x–9x (8–11 digits).
  if (!/^[2-9]\d{7,11}$/.test(national)) return undefined;
  return `+62${national}`;
}
