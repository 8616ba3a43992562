import { AppError } from "@sigap/core/error";
import { erasePersonalData, exportPersonalData } from "@sigap/core/record/privacy";
import { parseOrThrow } from "@sigap/core/validation/parse";
import { personText } from "@sigap/core/validation/text";
import { Hono } from "hono";
import * as v from "valibot";
import { readBody } from "./body";
import type { StaffEnv } from "./staff-auth";

export const DataRequestForm = v.object({
  // Only its keyed hash is looked up; the NIK itself is never stored, logged or echoed back.
  nik: v.pipe(v.string("NIK wajib diisi."), v.regex(/^\d{16}$/, "NIK harus terdiri dari 16 digit angka.")),
  kind: v.picklist(
    ["export", "erase"],
    "Jenis permintaan harus export (salinan data) atau erase (hapus data).",
  ),
  reason: personText("Alasan", { min: 5, max: 500, lines: "multi" }),
});

/**
 * `/v1/staff/data-requests` (UU PDP 27/2022): a person's request to see or erase their data, made
 * through a Dinas Sosial officer. Mounted inside the staff router, which authenticates every call.
 */
export const staffPrivacy = new Hono<StaffEnv>().post("/", async (c) => {
  const me = c.get("staff");
  if (me.role === "village") {
    throw new AppError(
      "forbidden",
      "Tidak berwenang",
      "Permintaan data pribadi ditangani oleh Dinas Sosial kabupaten/kota atau provinsi.",
    );
  }
  const request = parseOrThrow(DataRequestForm, await readBody(c));
  c.header("Cache-Control", "no-store");
  if (request.kind === "export") return c.json(await exportPersonalData(me, request));
  return c.json(await erasePersonalData(me, request));
});
