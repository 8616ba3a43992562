import { randomInt } from "node:crypto";

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A record id: `prefix` (one letter naming the record type, so ids of different types never look
 * alike) and 12 random characters of a–z0–9 (62 bits), from the CSPRNG.
 */
export function newRecordId(prefix = ""): string {
  return `${prefix}${Array.from({ length: 12 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join("")}`;
}
