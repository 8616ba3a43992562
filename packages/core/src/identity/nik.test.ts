import { describe, expect, it } from "vitest";
import { checkNik, maskNik } from "./nik";

// 32.05.01 is Kecamatan Garut Kota, Kabupaten Garut, Jawa Barat.
describe("checkNik", () => {
  it("accepts a plausible NIK of a man and reads its facts", () => {
    const result = checkNik("3205011507950001", { gender: "L", birthDate: "1995-07-15" });
    expect(result.errors).toEqual([]);
    expect(result.facts).toEqual({
      subdistrictCode: "32.05.01",
      gender: "L",
      birthDay: 15,
      birthMonth: 7,
      birthYearTwoDigits: 95,
      serial: 1,
    });
  });

  it("reads a woman's NIK (day + 40)", () => {
    const result = checkNik("3205015507950002", { gender: "P", birthDate: "1995-07-15" });
    expect(result.errors).toEqual([]);
    expect(result.facts?.gender).toBe("P");
    expect(result.facts?.birthDay).toBe(15);
  });

  it.each([
    ["320501150795001", "NIK harus terdiri dari 16 digit angka."],
    ["32050115079500O1", "NIK harus terdiri dari 16 digit angka."],
    ["3205 0115 0795 0001", "NIK harus terdiri dari 16 digit angka."],
  ])("rejects %s: not 16 digits", (nik, message) => {
    expect(checkNik(nik).errors).toEqual([message]);
  });

  it("rejects an unknown province or kabupaten", () => {
    expect(checkNik("9905011507950001").errors[0]).toContain("Kode provinsi pada NIK (99)");
    expect(checkNik("3299011507950001").errors[0]).toContain("Kode kabupaten/kota pada NIK (32.99)");
  });

  it("only warns about a kecamatan code missing from the current list (split areas)", () => {
    const result = checkNik("3205991507950001");
    expect(result.errors).toEqual([]);
    expect(result.warnings[0]).toContain("32.05.99");
  });

  it.each([
    ["3205013202950001", "day 32"],
    ["3205017202950001", "woman's day 32"],
    ["3205013002950001", "30 February"],
    ["3205011513950001", "month 13"],
    ["3205010007950001", "day 0"],
  ])("rejects %s: %s is not a date", (nik) => {
    expect(checkNik(nik).errors).toEqual([
      "Tanggal lahir yang tercantum dalam NIK tidak valid. Periksa kembali NIK Anda.",
    ]);
  });

  it("accepts 29 February of a leap year in either century", () => {
    expect(checkNik("3205012902000001").errors).toEqual([]); // 2000
    expect(checkNik("3205016902960001").errors).toEqual([]); // 1996, a woman
  });

  it("rejects serial 0000", () => {
    expect(checkNik("3205011507950000").errors).toEqual([
      "Nomor urut pada NIK tidak boleh 0000. Periksa kembali NIK Anda.",
    ]);
  });

  it("rejects a NIK whose encoded gender disagrees with the declared one", () => {
    expect(checkNik("3205015507950001", { gender: "L" }).errors[0]).toContain("milik seorang perempuan");
    expect(checkNik("3205011507950001", { gender: "P" }).errors[0]).toContain("milik seorang laki-laki");
  });

  it("rejects a NIK whose date disagrees with the declared birth date", () => {
    const message = "Tanggal lahir dalam NIK tidak sesuai dengan tanggal lahir yang diisi.";
    expect(checkNik("3205011507950001", { birthDate: "1995-07-16" }).errors).toEqual([message]);
    expect(checkNik("3205011507950001", { birthDate: "1985-07-15" }).errors).toEqual([message]);
    expect(checkNik("3205011507950001", { birthDate: "2095-07-15" }).errors).toEqual([]);
  });
});

describe("maskNik", () => {
  it("keeps only the first four and last four digits", () => {
    expect(maskNik("3202011507950001")).toBe("3202********0001");
  });
});
