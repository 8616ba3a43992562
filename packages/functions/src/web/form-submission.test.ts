import { AppError } from "@sigap/core/error";
import { keyReused } from "@sigap/core/record/idempotency";
import { describe, expect, it } from "vitest";
import { echoed } from "./fields";
import { formKeyOf, onceSettled, refusalOf, sitePath, submitForm } from "./form-submission";

describe("onceSettled", () => {
  it("waits for a first submission still under way and answers with its result", async () => {
    let attempts = 0;
    const answer = await onceSettled(async () => {
      attempts += 1;
      if (attempts < 3) throw new AppError("in-progress", "Permintaan sedang diproses");
      return "first answer";
    });
    expect(answer).toBe("first answer");
    expect(attempts).toBe(3);
  });

  it("passes any other refusal on at once", async () => {
    let attempts = 0;
    const refused = onceSettled(async () => {
      attempts += 1;
      throw new AppError("conflict", "NIK sudah terdaftar");
    });
    await expect(refused).rejects.toThrow("NIK sudah terdaftar");
    expect(attempts).toBe(1);
  });
});

describe("refusalOf", () => {
  it("keeps a validation problem's field errors, puts a named kind beside its field, and the rest on top", () => {
    const errors = [{ field: "nik", message: "NIK harus terdiri dari 16 digit angka." }];
    expect(refusalOf(new AppError("validation", "Data belum lengkap", "Periksa.", errors))).toEqual({
      status: 422,
      kind: "validation",
      fieldErrors: errors,
    });
    expect(
      refusalOf(new AppError("conflict", "NIK sudah terdaftar", "Sudah dipakai."), { conflict: "nik" }),
    ).toEqual({ status: 409, kind: "conflict", fieldErrors: [{ field: "nik", message: "Sudah dipakai." }] });
    expect(
      refusalOf(new AppError("rate-limited", "Terlalu banyak laporan anonim", "Coba lagi nanti.")),
    ).toEqual({
      status: 429,
      kind: "rate-limited",
      fieldErrors: [],
      notice: { title: "Terlalu banyak laporan anonim", detail: "Coba lagi nanti." },
    });
  });
});

describe("formKeyOf", () => {
  it("takes a key of the Idempotency-Key's shape only", () => {
    expect(formKeyOf({ formKey: "5b0c1a9e-2f44-4c61-9a43-0d7c2e1f9b10" })).toBe(
      "5b0c1a9e-2f44-4c61-9a43-0d7c2e1f9b10",
    );
    expect(formKeyOf({ formKey: "has spaces" })).toBeUndefined();
    expect(formKeyOf({ formKey: ["a", "b"] })).toBeUndefined();
    expect(formKeyOf({})).toBeUndefined();
  });
});

describe("submitForm", () => {
  it("answers the accepted result, or the refusal with the key the form carries on", async () => {
    expect(await submitForm("key-1", async () => "receipt")).toEqual({ accepted: "receipt" });
    const refused = await submitForm("key-1", async () => {
      throw new AppError("validation", "Data belum lengkap", "Periksa.", [
        { field: "nik", message: "Salah." },
      ]);
    });
    expect(refused).toEqual({
      refusal: { status: 422, kind: "validation", fieldErrors: [{ field: "nik", message: "Salah." }] },
      formKey: "key-1",
    });
    // The key already used for other content: a fresh key, and the form says it was sent before.
    const reused = await submitForm("key-1", async () => {
      throw keyReused();
    });
    expect(reused.refusal).toMatchObject({ status: 409, keyRenewed: true, fieldErrors: [] });
    expect(reused.formKey).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("sitePath and echoed", () => {
  it("keep a link on this site and cap what a page shows back", () => {
    expect(sitePath("https://sigap.example.id/v1/cases/c123?tracking=AB-CD")).toBe(
      "/v1/cases/c123?tracking=AB-CD",
    );
    expect(echoed("x".repeat(5000), 100)).toHaveLength(100);
    expect(echoed("x".repeat(5000))).toHaveLength(200);
    expect(echoed("😀".repeat(3), 2)).toBe("😀😀");
    expect(echoed(undefined)).toBe("");
  });
});
