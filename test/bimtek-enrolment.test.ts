/**
 * Public enrolment in Bimtek sessions against DynamoDB Local: capacity and quotas under 100
 * concurrent enrolments, double submissions, one active enrolment per person and level, every
 * validation error at once, and the participant's page (no JavaScript) cancelling and answering an
 * offered seat.
 */

import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import {
  closeEnrolment,
  getEnrolment,
  listEnrolments,
  listWaiting,
  offerSeats,
} from "@sigap/core/bimtek/enrolment";
import { enrolmentUrl } from "@sigap/core/bimtek/links";
import type { BimtekSession, Enrolment } from "@sigap/core/bimtek/model";
import { getSession, rescheduleSession } from "@sigap/core/bimtek/sessions";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { createRegistration, recordTransition } from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { createApp } from "@sigap/functions/api/app";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GARUT_OFFICER } from "./support/bimtek";
import { capturedLogs } from "./support/logs";
import { staffToken } from "./support/staff-token";

const app = createApp();
const CIKAJANG = ["32.05.22.2001", "32.05.22.2002"];
const GARUT_KOTA = ["32.05.01.1001", "32.05.01.1002", "32.05.01.1003"];
const HOUR = 3600 * 1000;

let serial = 1000;
interface Person {
  id: string;
  receiptCode: string;
  villageCode: string;
  email: string;
}
/** A registration made directly (the recruitment workflow is not the point here), moved to `status`. */
async function person(
  villageCode: string,
  status: "candidate" | "active" | "submitted" = "candidate",
): Promise<Person> {
  serial += 1;
  const email = `peserta${serial}@example.com`;
  const input = validateRegistration(
    {
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      fullName: `Peserta Uji ${serial}`,
      email,
      villageCode,
    },
    new Date(),
  );
  const { registration, receiptCode } = await createRegistration(input);
  if (status !== "submitted") {
    await recordTransition(registration.id, {
      event: status === "active" ? "approved" : "recommended",
      actor: { kind: "system" },
      status,
      stage: status === "active" ? "completed" : "basic-training",
    });
  }
  return { id: registration.id, receiptCode, villageCode, email };
}

async function createSession(body: Record<string, unknown> = {}): Promise<BimtekSession> {
  const response = await app.request("/v1/staff/bimtek", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${await staffToken("district", "32.05")}`,
    },
    body: JSON.stringify({
      level: "dasar",
      title: "Bimtek Dasar PSM Garut Angkatan I",
      regionCode: "32.05",
      venue: "Aula Dinas Sosial Kabupaten Garut",
      startsAt: new Date(Date.now() + 30 * 24 * HOUR).toISOString().replace("Z", "+00:00"),
      endsAt: new Date(Date.now() + 31 * 24 * HOUR).toISOString().replace("Z", "+00:00"),
      capacity: 75,
      ...body,
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as BimtekSession;
}

function enrolRequest(
  sessionId: string,
  p: Pick<Person, "id" | "receiptCode">,
  headers: Record<string, string> = {},
) {
  return app.request(`/v1/bimtek/${sessionId}/enrollments`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ registrationId: p.id, receiptCode: p.receiptCode }),
  });
}

interface Enrolled {
  enrollmentId: string;
  status: string;
  position: number | null;
  statusUrl: string;
}
async function enrolOk(sessionId: string, p: Person): Promise<Enrolled> {
  const response = await enrolRequest(sessionId, p);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Enrolled;
}

const local = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe("100 concurrent enrolments for 75 seats (10 reserved for Kecamatan Cikajang)", () => {
  let session: BimtekSession;
  let people: Person[];
  const answers = new Map<string, Enrolled>();

  beforeAll(async () => {
    session = await createSession({ quotas: { "32.05.22": 10 } });
    // 30 from Cikajang, 70 from Garut Kota; Kota Kulon (…1001) already has an active PSM.
    await person("32.05.01.1001", "active");
    people = [];
    for (let i = 0; i < 100; i++) {
      const villages = i % 10 < 3 ? CIKAJANG : GARUT_KOTA;
      people.push(await person(villages[i % villages.length] as string));
    }
    const responses = await Promise.all(people.map((p) => enrolOk(session.id, p)));
    responses.forEach((answer, i) => {
      answers.set((people[i] as Person).id, answer);
    });
  }, 120_000);

  it("confirms exactly 75 and waitlists 25, the quota held exactly", async () => {
    const statuses = [...answers.values()].map((a) => a.status);
    expect(statuses.filter((s) => s === "confirmed")).toHaveLength(75);
    expect(statuses.filter((s) => s === "waitlisted")).toHaveLength(25);
    const now = (await getSession(session.id)) as BimtekSession;
    expect(now).toMatchObject({
      seatsHeld: 75,
      generalHeld: 65,
      quotaHeld: { "32.05.22": 10 },
      waiting: 25,
      arrivals: 100,
    });
    const enrolments = await listEnrolments(session.id);
    expect(enrolments).toHaveLength(100);
    expect(enrolments.filter((e) => e.seat === "quota").every((e) => e.kecamatanCode === "32.05.22")).toBe(
      true,
    );
    expect(enrolments.filter((e) => e.seat === "quota")).toHaveLength(10);
  });

  it("decides every seat in arrival order, as the rules say when replayed one by one", async () => {
    const enrolments = (await listEnrolments(session.id)).sort((a, b) => a.arrival - b.arrival);
    expect(enrolments.map((e) => e.arrival)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    let general = 0;
    let quota = 0;
    let waiting = 0;
    let waitingCikajang = 0;
    for (const e of enrolments) {
      const fromCikajang = e.kecamatanCode === "32.05.22";
      let expected: string;
      if (fromCikajang && quota < 10 && waitingCikajang === 0) {
        quota += 1;
        expected = "quota";
      } else if (general < 65 && waiting === 0) {
        general += 1;
        expected = "general";
      } else {
        waiting += 1;
        if (fromCikajang) waitingCikajang += 1;
        expected = "waiting";
      }
      expect(e.status === "waitlisted" ? "waiting" : e.seat).toBe(expected);
    }
  });

  it("orders the waiting list: villages without an active PSM first, then arrival", async () => {
    const waiting = await listWaiting(session.id);
    expect(waiting).toHaveLength(25);
    const order = waiting.map((e) => [e.priority, e.arrival] as const);
    const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(order).toEqual(sorted);
    expect(waiting.filter((e) => e.villageCode === "32.05.01.1001").every((e) => e.priority === 1)).toBe(
      true,
    );
    expect(waiting.filter((e) => e.villageCode !== "32.05.01.1001").every((e) => e.priority === 0)).toBe(
      true,
    );
  });

  it("answers a double submission with the first enrolment, never a second seat or a 409", async () => {
    const first = people[0] as Person;
    const [again, twice] = await Promise.all([enrolOk(session.id, first), enrolOk(session.id, first)]);
    expect(again.enrollmentId).toBe(answers.get(first.id)?.enrollmentId);
    expect(twice.enrollmentId).toBe(again.enrollmentId);
    expect((await getSession(session.id))?.arrivals).toBe(100);
  });

  it("refuses a second active enrolment of the same level in another session (409)", async () => {
    const other = await createSession({ title: "Bimtek Dasar PSM Garut Angkatan II" });
    const response = await enrolRequest(other.id, people[1] as Person);
    expect(response.status).toBe(409);
    expect(response.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("sends the confirmation with a link to the participant's page, and no link code in the logs", async () => {
    const small = await createSession({ capacity: 5, title: "Bimtek Dasar Tautan" });
    const p = await person(GARUT_KOTA[0] as string);
    let id = "";
    const logs = await capturedLogs(async () => {
      id = (await enrolOk(small.id, p)).enrollmentId;
    });
    const mail = outbox()
      .list()
      .find((m) => m.to.includes(p.email));
    expect(mail?.subject).toContain("Kursi Anda terkonfirmasi");
    expect(mail?.text).toContain(enrolmentUrl(id));
    // The enrolment was logged (by id), its link code never.
    expect(logs).toContain(id);
    expect(logs).not.toContain(new URL(enrolmentUrl(id)).searchParams.get("code") as string);
  });
});

describe("cancelling from the link, and the waiting list's offer", () => {
  let session: BimtekSession;
  let seated: Person;
  let first: Person;
  let second: Person;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    session = await createSession({ capacity: 1, title: "Bimtek Dasar Kelas Kecil" });
    seated = await person(GARUT_KOTA[1] as string);
    first = await person(GARUT_KOTA[1] as string);
    second = await person(GARUT_KOTA[2] as string);
    for (const p of [seated, first, second]) ids[p.id] = (await enrolOk(session.id, p)).enrollmentId;
  });

  it("shows the participant's page as HTML to a browser, no script needed, and 404 for a wrong code", async () => {
    const url = local(enrolmentUrl(ids[seated.id] as string));
    const page = await app.request(url, { headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    // Cancelling starts with a plain link to the confirmation (tested in web-bimtek.test.ts).
    expect(html).toContain(`href="${url.replaceAll("&", "&amp;")}&amp;batal=ya"`);
    expect(html).not.toContain("<script");
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const wrong = await app.request(url.replace(/code=[^&]+/, "code=AAAAAAAAAAAAAAAAAAAAAA"));
    expect(wrong.status).toBe(404);
    const json = await app.request(url, { headers: { Accept: "application/json" } });
    expect(await json.json()).toMatchObject({
      status: "confirmed",
      session: { id: session.id, seatsLeft: 0 },
    });
  });

  it("frees the seat on cancellation and offers it to the first waiting, who accepts", async () => {
    const url = enrolmentUrl(ids[seated.id] as string);
    const logs = await capturedLogs(async () => {
      const cancelled = await app.request(local(url).replace("?", "/cancellation?"), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "",
      });
      expect(cancelled.status).toBe(200);
    });
    expect(logs).not.toContain(new URL(url).searchParams.get("code") as string);
    expect((await getEnrolment(ids[seated.id] as string))?.status).toBe("cancelled");
    const offered = (await getEnrolment(ids[first.id] as string)) as Enrolment;
    expect(offered.status).toBe("offered");
    expect(Date.parse(offered.offerExpiresAt as string)).toBeGreaterThan(Date.now());
    expect((await getEnrolment(ids[second.id] as string))?.status).toBe("waitlisted");

    const offerPage = await (
      await app.request(local(enrolmentUrl(offered.id)), { headers: { Accept: "text/html" } })
    ).text();
    expect(offerPage).toContain('value="accept"');
    const accepted = await app.request(local(enrolmentUrl(offered.id)).replace("?", "/offer?"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "decision=accept",
    });
    expect(accepted.status).toBe(200);
    expect((await getEnrolment(offered.id))?.status).toBe("confirmed");
    expect((await getSession(session.id))?.seatsHeld).toBe(1);
    // The one who cancelled may enrol again (their claim on the level is released) — and waits.
    expect((await enrolOk(session.id, seated)).status).toBe("waitlisted");
  });

  it("a declined offer goes to the next one", async () => {
    const confirmed = ids[first.id] as string;
    await app.request(local(enrolmentUrl(confirmed)).replace("?", "/cancellation?"), { method: "POST" });
    const offered = (await getEnrolment(ids[second.id] as string)) as Enrolment;
    expect(offered.status).toBe("offered");
    const declined = await app.request(local(enrolmentUrl(offered.id)).replace("?", "/offer?"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "decision=decline",
    });
    expect(declined.status).toBe(200);
    expect((await getEnrolment(offered.id))?.status).toBe("declined");
    const waiting = (await listEnrolments(session.id)).filter(
      (e) => e.registrationId === seated.id && e.status === "offered",
    );
    expect(waiting).toHaveLength(1);
  });
});

describe("bad input and eligibility", () => {
  let session: BimtekSession;
  beforeAll(async () => {
    session = await createSession({ title: "Bimtek Dasar Validasi" });
  });

  it("lists every field's error at once, in Bahasa Indonesia", async () => {
    const response = await app.request(`/v1/bimtek/${session.id}/enrollments`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ registrationId: "x" }),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(["receiptCode", "registrationId"]);
    expect(problem.errors[0]?.message).toMatch(/Nomor pendaftaran|Kode tanda terima/);
  });

  it("answers broken bodies, wrong codes and unknown sessions without a 5xx", async () => {
    const p = await person(GARUT_KOTA[0] as string);
    const broken = await app.request(`/v1/bimtek/${session.id}/enrollments`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{",
    });
    expect(broken.status).toBe(400);
    expect((await enrolRequest(session.id, { id: p.id, receiptCode: "WRNG-CODE" })).status).toBe(422);
    expect((await enrolRequest("bzzzzzzzzzzzz", p)).status).toBe(404);
    expect((await enrolRequest("../../etc", p)).status).toBe(404);
  });

  it("refuses a registration not yet recommended, and one from another kabupaten", async () => {
    const submitted = await person(GARUT_KOTA[0] as string, "submitted");
    expect((await enrolRequest(session.id, submitted)).status).toBe(422);
    const bandung = await person("32.04.05.2001");
    const elsewhere = await enrolRequest(session.id, bandung);
    expect(elsewhere.status).toBe(422);
  });

  it("a plain form lands on the participant's page (303), and an Idempotency-Key replays the answer", async () => {
    const p = await person(GARUT_KOTA[0] as string);
    const form = await app.request(`/v1/bimtek/${session.id}/enrollments`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "text/html",
        "Idempotency-Key": `form-${p.id}`,
      },
      body: new URLSearchParams({ registrationId: p.id, receiptCode: p.receiptCode }).toString(),
    });
    expect(form.status).toBe(303);
    expect(form.headers.get("Location")).toContain("/v1/bimtek/enrollments/");
    const q = await person(GARUT_KOTA[0] as string);
    const key = { "Idempotency-Key": `json-${q.id}` };
    const one = (await (await enrolRequest(session.id, q, key)).json()) as Enrolled;
    const two = (await (await enrolRequest(session.id, q, key)).json()) as Enrolled;
    expect(two).toEqual(one);
    // The same key for another person is refused with the key's record, before any seat is taken.
    const other = await person(GARUT_KOTA[0] as string);
    const arrivals = (await getSession(session.id))?.arrivals;
    const reused = await enrolRequest(session.id, other, key);
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { title: string }).title).toBe("Idempotency-Key sudah dipakai");
    expect((await getSession(session.id))?.arrivals).toBe(arrivals);
  });

  it("answers a stubbed conflict on the key's record 409 in-progress, and one on the claim 503", async () => {
    const p = await person(GARUT_KOTA[0] as string);
    const key = { "Idempotency-Key": `conflict-${p.id}` };
    // The claim's transaction is cancelled as if it met another: on the record (last) or the claim (0).
    const conflictOn = (on: "record" | "claim") => {
      const send = db().send.bind(db());
      return vi.spyOn(db(), "send").mockImplementation((async (command: unknown) => {
        if (!(command instanceof TransactWriteCommand)) return send(command as never);
        const items = command.input.TransactItems?.length ?? 1;
        throw new TransactionCanceledException({
          message: "Transaction cancelled",
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: Array.from({ length: items }, (_, index) => ({
            Code: index === (on === "record" ? items - 1 : 0) ? "TransactionConflict" : "None",
          })),
        });
      }) as never);
    };
    try {
      conflictOn("record");
      expect((await enrolRequest(session.id, p, key)).status).toBe(409);
      vi.restoreAllMocks();
      conflictOn("claim");
      expect((await enrolRequest(session.id, p, key)).status).toBe(503);
    } finally {
      vi.restoreAllMocks();
    }
    expect((await enrolRequest(session.id, p, key)).status).toBeLessThan(300);
  });

  it("closes enrolment: newcomers are refused, unused quota seats become general", async () => {
    const small = await createSession({
      capacity: 2,
      quotas: { "32.05.22": 1 },
      title: "Bimtek Dasar Kuota",
    });
    const a = await person(GARUT_KOTA[0] as string);
    const b = await person(GARUT_KOTA[1] as string);
    expect((await enrolOk(small.id, a)).status).toBe("confirmed");
    expect((await enrolOk(small.id, b)).status).toBe("waitlisted");
    await closeEnrolment(small.id);
    const offered = await offerSeats(small.id);
    expect(offered.map((e) => e.registrationId)).toEqual([b.id]);
    const late = await person(GARUT_KOTA[2] as string);
    expect((await enrolRequest(small.id, late)).status).toBe(409);
    // The refusal keeps no claim on the level: the same person enrols in an open session.
    expect((await enrolRequest(session.id, late)).status).toBe(201);
  });

  it("a reschedule reopening enrolment after quota seats went out as general ones stays within capacity", async () => {
    const small = await createSession({
      capacity: 2,
      quotas: { "32.05.22": 1 },
      title: "Bimtek Dasar Kuota Dibuka Lagi",
    });
    const a = await person(GARUT_KOTA[0] as string);
    const b = await person(GARUT_KOTA[1] as string);
    expect((await enrolOk(small.id, a)).status).toBe("confirmed");
    expect((await enrolOk(small.id, b)).status).toBe("waitlisted");
    await closeEnrolment(small.id);
    expect((await offerSeats(small.id)).map((e) => e.registrationId)).toEqual([b.id]);
    expect((await getSession(small.id))?.seatsHeld).toBe(2);

    await rescheduleSession(GARUT_OFFICER, small.id, {
      startsAt: new Date(Date.now() + 40 * 24 * HOUR).toISOString(),
      endsAt: new Date(Date.now() + 41 * 24 * HOUR).toISOString(),
    });
    // Cikajang's quota seat was given to b: a Cikajang candidate now waits, in the seat decision
    // and in the offers alike.
    const c = await person(CIKAJANG[0] as string);
    expect((await enrolOk(small.id, c)).status).toBe("waitlisted");
    expect(await offerSeats(small.id)).toEqual([]);
    expect((await getSession(small.id))?.seatsHeld).toBe(2);
  });
});

describe("Bimtek lanjutan: active PSM of the province who completed dasar", () => {
  let session: BimtekSession;
  beforeAll(async () => {
    const response = await app.request("/v1/staff/bimtek", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken("province", "32")}`,
      },
      body: JSON.stringify({
        level: "lanjutan",
        title: "Bimtek Lanjutan PSM Jawa Barat",
        regionCode: "32",
        venue: "Aula Dinas Sosial Provinsi Jawa Barat",
        startsAt: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
        endsAt: new Date(Date.now() + 31 * 24 * HOUR).toISOString(),
        capacity: 10,
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    session = (await response.json()) as BimtekSession;
  });

  it("refuses a candidate (not yet through dasar)", async () => {
    const response = await enrolRequest(session.id, await person(GARUT_KOTA[0] as string));
    expect(response.status).toBe(422);
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      "registrationId",
    );
  });

  it("refuses an active PSM of another province", async () => {
    const response = await enrolRequest(session.id, await person("33.01.01.2001", "active"));
    expect(response.status).toBe(422);
  });

  it("enrols an active PSM of the province", async () => {
    const enrolled = await enrolOk(session.id, await person(CIKAJANG[1] as string, "active"));
    expect(enrolled.status).toBe("confirmed");
  });
});
