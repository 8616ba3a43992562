import { describe, expect, it } from "vitest";
import { AppError } from "../error";
import { validRegistration } from "./fixtures";
import { validateRegistration } from "./schema";

const NOW = new Date("2026-11-22T03:00:00Z");

function problems(input: Record<string, unknown>, now = NOW) {
  try {
    validateRegistration(input, now);
  } catch (error) {
    if (error instanceof AppError) return error.errors;
    throw error;
  }
  return [];
}

describe("validateRegistration", () => {
  it("accepts a valid registration and normalizes it", () => {
    const result = validateRegistration(
      { ...validRegistration, fullName: "  Siti Rahmawati  ", extra: "x" },
      NOW,
    );
    expect(result).toMatchObject({
      fullName: "Siti Rahmawati",
      phone: "+6281234567890",
      villageCode: "32.05.22.2001",
      email: "siti@example.com",
      consent: true,
      warnings: [],
    });
    expect(result).not.toHaveProperty("extra");
  });

  it("accepts what a plain HTML form sends (all strings, checkbox 'on', no email)", () => {
    const form = { ...validRegistration, consent: "on", email: "" };
    const result = validateRegistration(form, NOW);
    expect(result.consent).toBe(true);
    expect(result).not.toHaveProperty("email");
  });

  it("refuses a birth date that does not exist", () => {
    expect(problems({ ...validRegistration, birthDate: "1995-02-30" })).toEqual([
      {
        field: "birthDate",
        message: "Tanggal lahir harus tanggal yang ada, berformat TTTT-BB-HH, misalnya 1995-07-15.",
      },
    ]);
  });

  it("lists every problem, one message per field, in Bahasa Indonesia", () => {
    const errors = problems({
      nik: "123",
      gender: "X",
      phone: "12",
      villageCode: "3205229999",
      consent: false,
    });
    const byField = Object.fromEntries((errors ?? []).map((e) => [e.field, e.message]));
    expect(byField).toMatchObject({
      nik: "NIK harus terdiri dari 16 digit angka.",
      fullName: "Nama lengkap wajib diisi.",
      birthDate: "Tanggal lahir wajib diisi.",
      gender: "Jenis kelamin harus L (laki-laki) atau P (perempuan).",
      phone: "Nomor telepon tidak valid. Contoh: 0812-3456-7890.",
      villageCode: "Kode desa/kelurahan tidak ada dalam daftar wilayah Kemendagri terbaru.",
      consent: "Persetujuan pemrosesan data wajib diberikan.",
    });
  });

  it("checks the NIK against the declared gender and birth date", () => {
    expect(problems({ ...validRegistration, gender: "L" })).toEqual([
      { field: "nik", message: expect.stringContaining("milik seorang perempuan") },
    ]);
    expect(problems({ ...validRegistration, birthDate: "1995-07-16" })).toEqual([
      { field: "nik", message: "Tanggal lahir dalam NIK tidak sesuai dengan tanggal lahir yang diisi." },
    ]);
  });

  it("checks NIK, gender, birth date and age in the same answer as the other fields' mistakes", () => {
    const errors = problems({
      ...validRegistration,
      gender: "L", // the NIK is a woman's
      phone: "12",
      email: "javascript:alert(1)",
      address: "x",
      consent: false,
    });
    const byField = Object.fromEntries((errors ?? []).map((e) => [e.field, e.message]));
    expect(byField).toEqual({
      nik: expect.stringContaining("milik seorang perempuan"),
      phone: "Nomor telepon tidak valid. Contoh: 0812-3456-7890.",
      email: "Alamat email tidak valid.",
      address: expect.stringContaining("Alamat"),
      consent: "Persetujuan pemrosesan data wajib diberikan.",
    });
    const under18 = problems({
      ...validRegistration,
      nik: "3205015511090002",
      birthDate: "2009-11-15",
      phone: "",
    });
    expect(under18?.map((e) => e.field).sort()).toEqual(["birthDate", "phone"]);
  });

  it("asks for a choice when no gender is chosen", () => {
    expect(problems({ ...validRegistration, gender: "" })).toEqual([
      { field: "gender", message: "Pilih jenis kelamin." },
    ]);
    expect(problems({ ...validRegistration, gender: undefined })).toContainEqual({
      field: "gender",
      message: "Pilih jenis kelamin.",
    });
  });

  it("requires age 18 on the day of submission, in the village's time zone", () => {
    const nik = "3205015511080002"; // born 15 November 2008
    const input = { ...validRegistration, nik, birthDate: "2008-11-15" };
    const dayBefore18 = new Date("2026-11-14T16:59:00Z"); // 14 Nov 23:59 WIB
    const birthday18 = new Date("2026-11-14T17:00:00Z"); // 15 Nov 00:00 WIB
    expect(problems(input, dayBefore18)).toEqual([
      { field: "birthDate", message: "Usia minimal untuk mendaftar sebagai PSM adalah 18 tahun." },
    ]);
    expect(problems(input, birthday18)).toEqual([]);
  });

  it("bounds lengths", () => {
    expect(problems({ ...validRegistration, motivation: "x".repeat(1001) })).toEqual([
      { field: "motivation", message: "Motivasi maksimal 1000 karakter." },
    ]);
  });

  it("refuses a village code that is not a village", () => {
    expect(problems({ ...validRegistration, villageCode: "32.05" })).toEqual([
      { field: "villageCode", message: "Kode desa/kelurahan harus 10 digit, misalnya 32.05.22.2001." },
    ]);
  });

  it("refuses what no name or address contains, and keeps an address's lines", () => {
    expect(problems({ ...validRegistration, fullName: "Siti\r\nBcc: korban@example.com" })).toEqual([
      { field: "fullName", message: "Nama lengkap harus ditulis dalam satu baris." },
    ]);
    expect(problems({ ...validRegistration, birthPlace: "Ga\u202Erut" })).toEqual([
      {
        field: "birthPlace",
        message:
          "Tempat lahir mengandung karakter tak terlihat yang tidak diperbolehkan (misalnya pengatur arah teks).",
      },
    ]);
    expect(problems({ ...validRegistration, occupation: "\u200D\u0301\u0301" })).toEqual([
      { field: "occupation", message: "Pekerjaan harus berisi huruf atau angka." },
    ]);
    expect(problems({ ...validRegistration, motivation: "Ingin membantu\u0000 warga desa" })).toEqual([
      { field: "motivation", message: "Motivasi mengandung karakter kontrol yang tidak diperbolehkan." },
    ]);
    const result = validateRegistration(
      { ...validRegistration, address: "Jl. Merdeka No. 1\r\nRT 01/RW 02", fullName: "Andre\u0301 Putra" },
      NOW,
    );
    expect(result.address).toBe("Jl. Merdeka No. 1\nRT 01/RW 02");
    expect(result.fullName).toBe("Andr\u00e9 Putra");
  });
});
