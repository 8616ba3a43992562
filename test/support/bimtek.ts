/**
 * Shared by the Bimtek workflow tests: sessions created and enrolled through the core functions
 * (as the routes call them), candidates registered through the API and moved to the Bimtek dasar
 * stage directly (the recruitment workflow has its own tests), the outbox read per address.
 */

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { enrol } from "@sigap/core/bimtek/enrolment";
import type { BimtekSession, Enrolment } from "@sigap/core/bimtek/model";
import { createSession } from "@sigap/core/bimtek/sessions";
import { startSessionWorkflow } from "@sigap/core/bimtek/workflow";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { registrationKeys } from "@sigap/core/registration/keys";
import { tableName } from "@sigap/core/resources";
import type { Staff } from "@sigap/core/staff/auth";
import type { Hono } from "hono";
import { pump } from "./fake-clock";
import { registerThroughApi } from "./registrations";

export const DAY = 24 * 3600 * 1000;
export const GARUT_OFFICER: Staff = {
  sub: "district-32.05",
  email: "bimtek.test@dinsos.garutkab.example.go.id",
  role: "district",
  region: "32.05",
} as Staff;
export const SPEAKER = "narasumber@kemensos.example.go.id";

export interface Person {
  registrationId: string;
  receiptCode: string;
  email: string;
}

/** A candidate of Garut waiting for Bimtek dasar (registered through the API). */
export async function candidate(app: Hono, serial: number): Promise<Person> {
  const email = `bimtek${serial}-${process.pid}@example.com`;
  const { id, receiptCode } = await registerThroughApi(
    (path, init) => pump(app.request(path, init)),
    serial,
    {
      fullName: `Peserta Uji ${serial}`,
      email,
    },
  );
  await pump(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registrationKeys.registration(id),
        UpdateExpression: "SET #status = :candidate, stage = :stage",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":candidate": "candidate", ":stage": "basic-training" },
      }),
    ),
  );
  return { registrationId: id, receiptCode, email };
}

let sessions = 0;
const offset = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A two-day dasar session of Garut starting `startsIn` from now, its timeline started (unless `start: false`). */
export async function scheduledSession(
  startsIn: number,
  capacity: number,
  options: { start?: boolean } = {},
): Promise<BimtekSession> {
  const session = await pump(
    createSession(GARUT_OFFICER, {
      level: "dasar",
      title: `Bimtek Dasar PSM Garut ${++sessions}`,
      regionCode: "32.05",
      venue: "Aula Dinas Sosial Garut",
      startsAt: offset(startsIn),
      endsAt: offset(startsIn + DAY + 8 * 3600 * 1000),
      capacity,
      speakers: [{ name: "Narasumber Kemensos", email: SPEAKER }],
    }),
  );
  if (options.start !== false) await pump(startSessionWorkflow(session));
  return session;
}

export async function enrolled(session: BimtekSession, person: Person): Promise<Enrolment> {
  const { enrolment } = await pump(
    enrol({ sessionId: session.id, registrationId: person.registrationId, receiptCode: person.receiptCode }),
  );
  return enrolment;
}

/** Mail to `address` whose subject contains `about`. */
export const mailTo = (address: string, about: string) =>
  outbox()
    .list()
    .filter((m) => m.to.includes(address) && m.subject.includes(about));
