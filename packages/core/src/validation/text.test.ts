import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { personText } from "./text";

const name = personText("Nama", { min: 3, max: 100, lines: "single" });
const note = personText("Catatan", { min: 0, max: 500, lines: "multi" });

function check(
  schema: typeof name,
  value: unknown,
): { ok: true; value: string } | { ok: false; message: string } {
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, message: result.issues[0]?.message ?? "" };
}

describe("personText", () => {
  it("accepts real names and addresses, normalised to NFC", () => {
    expect(check(name, "  Siti Rahmawati ")).toEqual({ ok: true, value: "Siti Rahmawati" });
    // "e" + combining acute becomes one "é".
    expect(check(name, "Andre\u0301 Nugroho")).toEqual({ ok: true, value: "André Nugroho" });
    expect(check(name, "I Gusti Ngurah Rai")).toMatchObject({ ok: true });
    expect(check(name, "Nguyễn Thị Hồng")).toMatchObject({ ok: true });
    expect(check(name, "ꦱꦶꦠꦶ")).toMatchObject({ ok: true }); // Javanese script
    expect(check(name, "محمد علي")).toMatchObject({ ok: true });
    expect(check(name, "O'Neil-Putri, S.Pd.")).toMatchObject({ ok: true });
    expect(check(name, "می\u200Cخواهم")).toMatchObject({ ok: true }); // ZWNJ is part of the word
  });

  it("removes invisible leftovers of copy and paste", () => {
    expect(check(name, "\uFEFFSiti\u200B Rah\u00ADmawati\u2060")).toEqual({
      ok: true,
      value: "Siti Rahmawati",
    });
  });

  it("refuses control characters, with the field's own message", () => {
    for (const bad of [
      "Siti\u0000",
      "Siti\u0007Rahma",
      "Siti\u007F",
      "Siti\u0085Rahma",
      "Siti\u009BRahma",
      "Si\tti",
    ]) {
      expect(check(name, bad)).toEqual({
        ok: false,
        message: "Nama mengandung karakter kontrol yang tidak diperbolehkan.",
      });
    }
  });

  it("keeps single-line fields on one line, whatever the line break", () => {
    for (const bad of [
      "Siti\r\nBcc: x@example.com",
      "Siti\nRahma",
      "Siti\rRahma",
      "Siti\u2028Rahma",
      "Siti\u2029R",
    ]) {
      expect(check(name, bad)).toEqual({ ok: false, message: "Nama harus ditulis dalam satu baris." });
    }
  });

  it("lets a multi-line field keep its lines, normalising CR LF", () => {
    expect(check(note, "Baris satu\r\nBaris dua\rBaris tiga\u2028\tempat")).toEqual({
      ok: true,
      value: "Baris satu\nBaris dua\nBaris tiga\n\tempat",
    });
    expect(check(note, "Baris\u0000satu")).toEqual({
      ok: false,
      message: "Catatan mengandung karakter kontrol yang tidak diperbolehkan.",
    });
    expect(check(note, "")).toEqual({ ok: true, value: "" });
  });

  it("refuses direction overrides and other invisible format characters", () => {
    const message =
      "Nama mengandung karakter tak terlihat yang tidak diperbolehkan (misalnya pengatur arah teks).";
    for (const bidi of [
      "\u202A",
      "\u202B",
      "\u202C",
      "\u202D",
      "\u202E",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
      "\u200E",
      "\u061C",
    ]) {
      expect(check(name, `Siti${bidi}fdp.exe`)).toEqual({ ok: false, message });
    }
    expect(check(name, "Siti\u{E0041}")).toEqual({ ok: false, message }); // a tag character
  });

  it("refuses lone surrogates", () => {
    expect(check(name, "Siti\uD800")).toEqual({ ok: false, message: "Nama mengandung karakter yang rusak." });
    expect(check(name, "\uDC00Siti")).toEqual({ ok: false, message: "Nama mengandung karakter yang rusak." });
    expect(check(name, "Siti 😀")).toMatchObject({ ok: true }); // a proper pair is fine
  });

  it("refuses what broken bytes decode to, private-use and unassigned code points", () => {
    const message = "Nama mengandung karakter yang rusak.";
    for (const value of ["Eko\uFFFDP", "Eko\uE000P", "Eko\uFFFFP", "Eko\uFDD0P"]) {
      expect(check(name, value)).toEqual({ ok: false, message });
    }
  });

  it("refuses a value of marks or zero-width characters only, and piles of marks", () => {
    expect(check(name, "\u0301\u0301\u0301\u0301")).toEqual({
      ok: false,
      message: "Nama harus berisi huruf atau angka.",
    });
    expect(check(name, "\u200D\u200C\u200D")).toEqual({
      ok: false,
      message: "Nama harus berisi huruf atau angka.",
    });
    expect(check(name, "... --- ...")).toEqual({ ok: false, message: "Nama harus berisi huruf atau angka." });
    expect(check(name, "\u200B\u200B\u200B")).toEqual({ ok: false, message: "Nama wajib diisi." });
    expect(check(name, "Siti Z\u0300\u0301\u0302\u0303\u0304algo")).toEqual({
      ok: false,
      message: "Nama mengandung tanda diakritik bertumpuk yang tidak wajar.",
    });
  });

  it("bounds the length after normalisation, and requires a string", () => {
    expect(check(name, "ab")).toEqual({ ok: false, message: "Nama minimal 3 karakter." });
    expect(check(name, "a".repeat(101))).toEqual({ ok: false, message: "Nama maksimal 100 karakter." });
    expect(check(name, 42)).toEqual({ ok: false, message: "Nama wajib diisi." });
    expect(check(name, undefined)).toEqual({ ok: false, message: "Nama wajib diisi." });
  });
});
