// `npm run bench`, Bimtek enrolment: `POST /v1/bimtek/{id}/enrollments` against the running local
// stack (over HTTP, with and without an Idempotency-Key), side by side with raw DynamoDB Local writes
// of the same items — the enrolment, the person-and-level claim, the session's counters — once as
// one call per item (PutItem, UpdateItem) and once as one TransactWriteItems. The raw items are
// copied from what the application itself wrote (read back after a warm-up), with fresh ids.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { enrol } from "../../packages/core/src/bimtek/enrolment";
import { bimtekKeys } from "../../packages/core/src/bimtek/keys";
import { createSession } from "../../packages/core/src/bimtek/sessions";
import { db } from "../../packages/core/src/db/client";
import { validRegistration } from "../../packages/core/src/registration/fixtures";
import { registrationKeys } from "../../packages/core/src/registration/keys";
import { createRegistration, recordTransition } from "../../packages/core/src/registration/repository";
import { validateRegistration } from "../../packages/core/src/registration/schema";
import { tableName } from "../../packages/core/src/resources";
import type { Staff } from "../../packages/core/src/staff/auth";
import { clearReconciliationMark } from "../../packages/core/src/workflow/executions";
import { type Comparison, type Variant, withIds } from "./harness";

const KABUPATEN = "32.05"; // Garut: the sample directory has its officers
/** Candidates come from every village of Kecamatan Cikajang, so priorities differ as they would. */
const VILLAGES = Array.from({ length: 12 }, (_, i) => `32.05.22.${2001 + i}`);
const organiser: Staff = {
  sub: "bench-district-32.05",
  email: "district@example.go.id",
  role: "district",
  region: KABUPATEN,
  duties: [],
};
/** Below the block size: most are confirmed, the last ones waitlisted (both paths are measured). */
const CAPACITY_SHARE = 0.8;

interface Candidate {
  registrationId: string;
  receiptCode: string;
}

const newId = (prefix: string) =>
  `${prefix}${randomBytes(9)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 12)}`;

/** Registered, recommended and waiting for Bimtek dasar — as the recruitment workflow leaves them. */
async function seedCandidates(count: number, offset: number): Promise<Candidate[]> {
  const made: Candidate[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = offset + next++;
      const input = validateRegistration(
        {
          ...validRegistration,
          nik: `320501550795${String(n % 10000).padStart(4, "0")}`,
          // Distinct people: the NIK prefix must be a real kabupaten, the serial unique per run.
          fullName: `Peserta Bench ${n}`,
          villageCode: VILLAGES[n % VILLAGES.length],
        },
        new Date(),
      );
      const { registration, receiptCode } = await createRegistration(input);
      await recordTransition(registration.id, {
        event: "recommended",
        actor: { kind: "system" },
        status: "candidate",
        stage: "basic-training",
      });
      // No workflow runs for these: the reconciler must not start one (and email village heads).
      await clearReconciliationMark(registrationKeys.registration(registration.id));
      made.push({ registrationId: registration.id, receiptCode });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return made;
}

async function newSession(capacity: number): Promise<string> {
  const startsAt = new Date(Date.now() + 30 * 24 * 3600_000);
  const session = await createSession(organiser, {
    level: "dasar",
    title: "Bimtek Dasar PSM (bench)",
    regionCode: KABUPATEN,
    venue: "Aula Dinas Sosial Kabupaten Garut",
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 2 * 24 * 3600_000).toISOString(),
    capacity,
  });
  await clearReconciliationMark(bimtekKeys.session(session.id));
  return session.id;
}

const getItem = async (key: { pk: string; sk: string }) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

export async function enrolmentComparison(options: {
  apiUrl: string;
  count: number;
  repeats: number;
  concurrency: number;
}): Promise<Comparison> {
  const { count, repeats } = options;
  const publicRoute = existsSync(new URL("../../packages/functions/src/api/bimtek.ts", import.meta.url));
  const inProcess: typeof post = async (sessionId, who) => {
    const { enrolment } = await enrol({ sessionId, ...who });
    return { enrollmentId: enrolment.id, status: enrolment.status };
  };
  const capacity = Math.max(1, Math.min(500, Math.round(count * CAPACITY_SHARE)));
  const warmUp = options.concurrency * 2;
  const variantsUsingPeople = publicRoute ? 3 : 1;
  process.stderr.write(`seeding ${variantsUsingPeople * count * repeats + warmUp} candidates … `);
  const candidates = await seedCandidates(variantsUsingPeople * count * repeats + warmUp, 1);
  process.stderr.write("done\n");
  let taken = 0;
  const take = (n: number) => {
    const slice = candidates.slice(taken, taken + n);
    taken += n;
    return slice;
  };

  /** One enrolment over HTTP, as the public form (JSON) posts it. */
  const post = async (sessionId: string, who: Candidate, keyed: boolean) => {
    if (!publicRoute) {
      // Until the public route is mounted: the core function, in this process.
      const { enrolment } = await enrol({ sessionId, ...who });
      return { enrollmentId: enrolment.id, status: enrolment.status };
    }
    const response = await fetch(`${options.apiUrl}/v1/bimtek/${sessionId}/enrollments`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        ...(keyed ? { "Idempotency-Key": randomBytes(16).toString("hex") } : {}),
      },
      body: JSON.stringify(who),
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`enrolment answered ${response.status}: ${body}`);
    return JSON.parse(body) as { enrollmentId: string; status: string };
  };

  const apiVariant = (name: string, keyed: boolean, run: typeof post = post): Variant => {
    let sessionId = "";
    let people: Candidate[] = [];
    return {
      name,
      async beforeBlock() {
        sessionId = await newSession(capacity);
        people = take(count);
      },
      async run(i) {
        const who = people[i];
        if (!who) throw new Error("not enough seeded candidates");
        await run(sessionId, who, keyed);
      },
    };
  };

  // Warm the API (JIT, connections, caches) and take the templates of the raw writes from what it wrote.
  const warmSession = await newSession(Math.max(1, Math.round(warmUp * CAPACITY_SHARE)));
  let sample: { enrollmentId: string; registrationId: string } | undefined;
  for (const [i, who] of take(warmUp).entries()) {
    const answer = await post(warmSession, who, i % 2 === 0);
    if (answer.status === "confirmed") {
      sample ??= { enrollmentId: answer.enrollmentId, registrationId: who.registrationId };
    }
  }
  if (!sample) throw new Error("the warm-up confirmed nobody");
  const enrolmentItem = await getItem(bimtekKeys.enrolment(sample.enrollmentId));
  const claimItem = await getItem(bimtekKeys.personLevel(sample.registrationId, "dasar"));
  const sessionItem = await getItem(bimtekKeys.session(warmSession));
  if (!enrolmentItem || !claimItem || !sessionItem) throw new Error("the warm-up's items are missing");

  /** The same three items for raw operation `i` of a raw session. */
  const rawItems = (sessionId: string, i: number) => {
    const enrollmentId = newId("e");
    const ids: Array<[string, string]> = [
      [sample?.enrollmentId ?? "", enrollmentId],
      [sample?.registrationId ?? "", newId("")],
      [warmSession, sessionId],
    ];
    return {
      enrollmentId,
      enrolment: { ...withIds(enrolmentItem, ids), arrival: i + 1 },
      claim: withIds(claimItem, ids),
      session: bimtekKeys.session(sessionId),
    };
  };
  const newRawSession = async () => {
    const id = newId("b");
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...withIds(sessionItem, [[warmSession, id]]),
          ...{ seatsHeld: 0, generalHeld: 0, waiting: 0, arrivals: 0, arrivalOf: {}, seatOf: {} },
        },
      }),
    );
    return id;
  };
  /** The session's seat decision, as enrol() writes it: next arrival, a general seat, both kept per enrolment. */
  const seatUpdate = (key: { pk: string; sk: string }, enrollmentId: string) => ({
    TableName: tableName(),
    Key: key,
    UpdateExpression:
      "SET arrivals = arrivals + :one, arrivalOf.#e = arrivals + :one, seatOf.#e = :seat, generalHeld = generalHeld + :one, seatsHeld = seatsHeld + :one",
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(arrivalOf.#e)",
    ExpressionAttributeNames: { "#e": enrollmentId },
    ExpressionAttributeValues: { ":one": 1, ":seat": "general" },
  });
  const newItem = { ConditionExpression: "attribute_not_exists(pk)" };

  let conflictRetries = 0;
  const rawVariant = (name: string, write: (sessionId: string, i: number) => Promise<void>): Variant => {
    let sessionId = "";
    return {
      name,
      async beforeBlock() {
        sessionId = await newRawSession();
      },
      run: (i) => write(sessionId, i),
    };
  };
  const singleWrites = rawVariant("raw PutItem ×2 + UpdateItem", async (sessionId, i) => {
    const items = rawItems(sessionId, i);
    await db().send(new PutCommand({ TableName: tableName(), Item: items.claim, ...newItem }));
    await db().send(new PutCommand({ TableName: tableName(), Item: items.enrolment, ...newItem }));
    await db().send(new UpdateCommand(seatUpdate(items.session, items.enrollmentId)));
  });
  const transaction = rawVariant("raw TransactWriteItems (3 items)", async (sessionId, i) => {
    const items = rawItems(sessionId, i);
    const input: TransactWriteCommandInput = {
      TransactItems: [
        { Put: { TableName: tableName(), Item: items.claim, ...newItem } },
        { Put: { TableName: tableName(), Item: items.enrolment, ...newItem } },
        { Update: seatUpdate(items.session, items.enrollmentId) },
      ],
    };
    // Every write touches the one session item: conflicts are retried, as the application must.
    for (let attempt = 0; ; attempt++) {
      try {
        await db().send(new TransactWriteCommand(input));
        return;
      } catch (error) {
        const conflict =
          error instanceof Error &&
          /TransactionConflict|TransactionCanceled.*Conflict/.test(`${error.name} ${error.message}`);
        if (!conflict || attempt >= 10) throw error;
        conflictRetries++;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** Math.min(attempt, 4)));
      }
    }
  });

  return {
    title: `Bimtek enrolment (${count}/block, capacity ${capacity})`,
    baseline: transaction.name,
    notes: (variant) => (variant === transaction.name ? `${conflictRetries} conflict retries in all` : ""),
    variants: [
      ...(publicRoute
        ? [
            apiVariant("POST /v1/bimtek/{id}/enrollments + Idempotency-Key", true),
            apiVariant("POST /v1/bimtek/{id}/enrollments", false),
          ]
        : []),
      apiVariant("enrol() in this process", false, inProcess),
      transaction,
      singleWrites,
    ],
  };
}
