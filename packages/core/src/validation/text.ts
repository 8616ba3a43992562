import * as v from "valibot";

/**
 * The one schema for text people type: names, places, addresses, reasons, notes. It normalises
 * what is harmless and refuses what no person's name or address contains, so such text can reach
 * an email, a page or a log without surprising anyone:
 *
 * - NFC, so one name is one sequence of code points however the keyboard composed it;
 * - line breaks (CR LF, CR, U+2028, U+2029) become "\n"; a single-line field refuses them;
 * - invisible leftovers of copy and paste (soft hyphen, zero-width space, word joiner, BOM) are
 *   removed; the zero-width (non-)joiners that some scripts need are kept;
 * - refused: control characters (C0, DEL, C1; a multi-line field allows "\n" and tab), direction
 *   overrides and other invisible format characters (U+202E can make "exe.pdf" read "fdp.exe"),
 *   lone surrogates, U+FFFD (what undecodable bytes become), private-use and unassigned code
 *   points, a pile of more than four combining marks on one letter,
 *   and a value with no letter or digit (only marks or spaces).
 */
export type TextLines = "single" | "multi";

export interface TextRules {
  /** Minimum length after normalisation; 0 makes an empty value acceptable. */
  min: number;
  max: number;
  lines: TextLines;
}

const LINE_BREAKS = /\r\n|[\r\u2028\u2029]/g;
const PASTE_LEFTOVERS = /[\u00AD\u200B\u2060\uFEFF]/g;
const LONE_SURROGATE = /\p{Cs}/u;
/** What broken input decodes to (U+FFFD), private-use and unassigned code points: not a person's text. */
const NOT_TEXT = /[\uFFFD\p{Co}\p{Cn}]/u;
const CONTROL_SINGLE = /\p{Cc}/u;
const CONTROL_MULTI = /[^\P{Cc}\n\t]/u;
/** Format characters (bidi controls included) except ZWNJ and ZWJ, which Arabic and Indic scripts use. */
const INVISIBLE_FORMAT = /[^\P{Cf}\u200C\u200D]/u;
const MARK_PILE = /\p{M}{5,}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The normalisation alone, for text that is checked elsewhere. */
export function normalizeText(value: string, lines: TextLines): string {
  const unified = value.replace(LINE_BREAKS, "\n").replace(PASTE_LEFTOVERS, "");
  // Normalising text with a lone surrogate is harmless; the check below refuses it.
  const normalized = unified.normalize("NFC").trim();
  return lines === "multi" ? normalized.replace(/[ \t]+\n/g, "\n") : normalized;
}

/** Why `value` (already normalised) is not acceptable text, or undefined when it is. */
export function textProblem(label: string, value: string, lines: TextLines): string | undefined {
  if (LONE_SURROGATE.test(value) || NOT_TEXT.test(value)) return `${label} mengandung karakter yang rusak.`;
  if (lines === "single" && value.includes("\n")) return `${label} harus ditulis dalam satu baris.`;
  if ((lines === "single" ? CONTROL_SINGLE : CONTROL_MULTI).test(value)) {
    return `${label} mengandung karakter kontrol yang tidak diperbolehkan.`;
  }
  if (INVISIBLE_FORMAT.test(value)) {
    return `${label} mengandung karakter tak terlihat yang tidak diperbolehkan (misalnya pengatur arah teks).`;
  }
  if (MARK_PILE.test(value)) return `${label} mengandung tanda diakritik bertumpuk yang tidak wajar.`;
  if (value !== "" && !LETTER_OR_DIGIT.test(value)) return `${label} harus berisi huruf atau angka.`;
  return undefined;
}

/** A text field of a form, with its Indonesian messages built from `label` ("Nama lengkap"). */
export function personText(label: string, rules: TextRules) {
  const { min, max, lines } = rules;
  return v.pipe(
    v.string(`${label} wajib diisi.`),
    v.transform((value) => normalizeText(value, lines)),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const problem = textProblem(label, dataset.value, lines);
      if (problem) addIssue({ message: problem });
    }),
    v.check((value) => min === 0 || value !== "", `${label} wajib diisi.`),
    v.minLength(min, `${label} minimal ${min} karakter.`),
    v.maxLength(max, `${label} maksimal ${max} karakter.`),
  );
}

/**
 * Text, or nothing (which the text schema answers with "… wajib diisi"): a number, list or object
 * sent as JSON is a wrong value, and says so.
 */
export const textOnly = (label: string, schema: ReturnType<typeof personText>) =>
  v.pipe(
    v.unknown(),
    v.check(
      (value) => value === undefined || typeof value === "string",
      `${label} tidak valid: harus berupa teks.`,
    ),
    schema,
  );
