import { randomBytes } from "node:crypto";
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { db } from "../db/client";
import { AppError } from "../error";
import { hashNik } from "../identity/protect";
import { logger } from "../log";
import { tableName } from "../resources";
import { canAccess, type Staff } from "../staff/auth";
import { erasableTypes } from "./erasable-types";
import type { Erasable, Erasure, PersonRecord } from "./erasure";
import { retentionKeys } from "./retention-keys";

/**
 * Data requests (UU PDP 27/2022): an officer exports or erases one person's data, found by the
 * keyed hash of their NIK (never stored, never logged), and only the records inside the officer's
 * region. Every request is kept as its own record — who, when, what kind, how many records — and
 * never names the NIK.
 */
export type DataRequestKind = "export" | "erase";

export interface DataRequest {
  nik: string;
  kind: DataRequestKind;
  reason: string;
}

type Outcome = "exported" | "erased" | "nothing-found" | "refused-open";

const staffActor = (staff: Staff): Erasure["actor"] => ({
  kind: "staff",
  id: staff.sub,
  email: staff.email,
  role: staff.role,
});

const newRequestId = () => randomBytes(9).toString("base64url");

/** Written before any record is read, so a request that fails half-way is on record too. */
async function openRequest(staff: Staff, request: DataRequest): Promise<{ id: string; at: string }> {
  const id = newRequestId();
  const at = nowIso();
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...retentionKeys.dataRequest(id),
        ...retentionKeys.dataRequestsByTime(at, id),
        ...retentionKeys.dataRequestsByRegion(staff.region, at, id),
        entity: "data-request",
        id,
        at,
        kind: request.kind,
        actor: staffActor(staff),
        regionCode: staff.region,
        reason: request.reason,
        outcome: "pending",
      },
    }),
  );
  return { id, at };
}

async function closeRequest(id: string, outcome: Outcome, records: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: retentionKeys.dataRequest(id),
      UpdateExpression: "SET outcome = :outcome, records = :records, completedAt = :at",
      ExpressionAttributeValues: { ":outcome": outcome, ":records": records, ":at": nowIso() },
    }),
  );
  logger.info("data request answered", { requestId: id, outcome, records });
}

/** The person's records of every type, inside the officer's region, not already erased. */
async function findPersonRecords(
  staff: Staff,
  nik: string,
): Promise<Array<{ type: Erasable; record: PersonRecord }>> {
  const nikHash = hashNik(nik);
  const found: Array<{ type: Erasable; record: PersonRecord }> = [];
  for (const type of erasableTypes) {
    for (const id of await type.findByNikHash(nikHash)) {
      const record = await type.load(id);
      if (
        record &&
        !record.erasedAt &&
        canAccess(staff, record.regionCode) &&
        (type.readableBy?.(staff, record) ?? true)
      )
        found.push({ type, record });
    }
  }
  return found;
}

/** Outside the region and unknown answer alike: an officer must not learn what exists elsewhere. */
const nothingFound = () =>
  new AppError(
    "not-found",
    "Data tidak ditemukan",
    "Tidak ada data pribadi dengan NIK tersebut di wilayah Anda (atau datanya sudah dihapus).",
  );

export interface PersonalDataExport {
  requestId: string;
  kind: "export";
  generatedAt: string;
  requestedBy: { email: string; role: string };
  /** One list per record type (`registrations`, and `cases` once cases register). */
  records: Record<string, Array<Omit<PersonRecord, "open" | "erasedAt">>>;
}

export async function exportPersonalData(staff: Staff, request: DataRequest): Promise<PersonalDataExport> {
  const { id, at } = await openRequest(staff, request);
  const found = await findPersonRecords(staff, request.nik);
  if (found.length === 0) {
    await closeRequest(id, "nothing-found", 0);
    throw nothingFound();
  }
  const records: PersonalDataExport["records"] = Object.fromEntries(
    erasableTypes.map((t) => [t.exportGroup, []]),
  );
  for (const { type, record } of found) {
    const { open: _open, erasedAt: _erasedAt, ...shown } = record;
    records[type.exportGroup]?.push(shown);
    // An export reads the personal data: it is in each record's access trail like any other read.
    await type.recordAccess(record.id, staffActor(staff), `data-request-export:${id}`);
  }
  await closeRequest(id, "exported", found.length);
  return {
    requestId: id,
    kind: "export",
    generatedAt: at,
    requestedBy: { email: staff.email, role: staff.role },
    records,
  };
}

export interface PersonalDataErasure {
  requestId: string;
  kind: "erase";
  erased: number;
}

/**
 * The retention erasure, at once, recorded with the officer and their reason. Records still in a
 * workflow are not erased: the officer ends them first (rejects the registration, closes the case),
 * so no workflow goes on mailing about a person whose data is gone.
 */
export async function erasePersonalData(staff: Staff, request: DataRequest): Promise<PersonalDataErasure> {
  const { id } = await openRequest(staff, request);
  const found = await findPersonRecords(staff, request.nik);
  if (found.length === 0) {
    await closeRequest(id, "nothing-found", 0);
    throw nothingFound();
  }
  if (found.some(({ record }) => record.open)) {
    await closeRequest(id, "refused-open", 0);
    throw new AppError(
      "conflict",
      "Data masih diproses",
      "Masih ada pendaftaran atau kasus orang ini yang sedang berjalan. Selesaikan atau tolak terlebih dahulu, lalu ajukan penghapusan kembali.",
    );
  }
  let erased = 0;
  for (const { type, record } of found) {
    const done = await type.erase(record.id, {
      basis: "request",
      actor: staffActor(staff),
      reason: request.reason,
      requestId: id,
    });
    if (done) erased++;
  }
  await closeRequest(id, "erased", erased);
  return { requestId: id, kind: "erase", erased };
}
