import * as v from "valibot";
import { normalizeRegionCode, regionExists, regionLevel } from "../region/regions";

/**
 * A desa/kelurahan code as people type it (with or without dots), normalised and checked against the
 * Kemendagri list: one rule for every form that names a village. `text` is the string schema with
 * the form's own message for a missing or mistyped value.
 */
export function villageCode(text: v.StringSchema<v.ErrorMessage<v.StringIssue> | undefined>) {
  return v.pipe(
    text,
    v.transform((s) => normalizeRegionCode(s) ?? ""),
    v.check(
      (code) => regionLevel(code) === "village",
      "Kode desa/kelurahan harus 10 digit, misalnya 32.05.22.2001.",
    ),
    v.check(
      (code) => regionExists(code),
      "Kode desa/kelurahan tidak ada dalam daftar wilayah Kemendagri terbaru.",
    ),
  );
}
