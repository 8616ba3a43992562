/**
 * Attendance and certificates of a Bimtek session, end to end: candidates waiting in the real
 * recruitment workflow for Bimtek dasar, enrolled in a session; the organisers asked for
 * attendance at the end, record it (link page and staff API), and certificates complete those who
 * came every day — the recruitment execution moves on to district verification. DynamoDB Local,
 * the local Step Functions engine, fake timers for days.
 */

import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { getAction, getCurrentRequest } from "@sigap/core/action/repository";
import { requestAttendance, sessionDays } from "@sigap/core/bimtek/attendance";
import { issueCertificates } from "@sigap/core/bimtek/certificates";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { attendanceUrl, certificateCode, certificateUrl } from "@sigap/core/bimtek/links";
import { maskName } from "@sigap/core/bimtek/messages";
import type { BimtekSession, Enrolment } from "@sigap/core/bimtek/model";
import { getSession } from "@sigap/core/bimtek/sessions";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { listEvents as sessionEvents } from "@sigap/core/record/trail";
import { validRegistration } from "@sigap/core/registration/fixtures";
import type { Registration } from "@sigap/core/registration/model";
import { getRegistration, listEvents } from "@sigap/core/registration/repository";
import { tableName } from "@sigap/core/resources";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { actionLink, path, pump, until, useFakeWorkflowClock } from "./support/fake-clock";
import { capturedLogs } from "./support/logs";
import { staffToken } from "./support/staff-token";

process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

const DAY = 24 * 3600 * 1000;
const KADES_CIKAJANG = "kades.cikajang@garutkab.example.go.id";
const DINSOS_GARUT = "psm@dinsos.garutkab.example.go.id";
const BIMTEK_GARUT = "bimtek@dinsos.garutkab.example.go.id";
const CREATOR = "district@example.go.id";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

useFakeWorkflowClock();

let serial = 500;
interface Candidate {
  id: string;
  name: string;
  email: string;
  nik: string;
  receiptCode: string;
}

/** A registration recommended by the village head: waiting in the recruitment workflow for Bimtek dasar. */
async function candidate(): Promise<Candidate> {
  serial += 1;
  const name = `Peserta Bimtek ${serial}`;
  const email = `peserta${serial}@example.com`;
  const nik = `320501550795${String(serial).padStart(4, "0")}`;
  const response = await pump(
    stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...validRegistration, nik, fullName: name, email }),
    }),
  );
  expect(response.status).toBe(202);
  const { id, receiptCode } = (await response.json()) as { id: string; receiptCode: string };
  const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the recommendation request");
  const decided = await pump(
    stack.app.request(path(actionLink(request)), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ decision: "recommend" }).toString(),
    }),
  );
  expect(decided.status).toBe(200);
  await until(async () => (await registration(id)).stage === "basic-training", "the training stage");
  await until(() => trainingWaitRecorded(id), "the training wait");
  return { id, name, email, nik, receiptCode };
}

async function trainingWaitRecorded(id: string): Promise<boolean> {
  const current = await getCurrentRequest({
    subjectType: "registration",
    subjectId: id,
    step: "basic-training",
  });
  const action = current?.actionIds[0] ? await getAction(current.actionIds[0]) : undefined;
  return action?.status === "pending";
}

const registration = (id: string) => pump(getRegistration(id)) as Promise<Registration>;
const mailAbout = (text: string, to?: string) =>
  outbox()
    .list()
    .reverse()
    .filter((m) => (m.subject.includes(text) || m.text.includes(text)) && (!to || m.to.includes(to)));
const mailTo = (address: string) =>
  outbox()
    .list()
    .reverse()
    .filter((m) => m.to.includes(address));

/** A two-day session of the Garut Dinsos (08:00 WIB on the 25th to 16:00 WIB on the 26th), by its district officer. */
async function session(
  times = { startsAt: "2026-11-25T08:00:00+07:00", endsAt: "2026-11-26T16:00:00+07:00" },
): Promise<BimtekSession> {
  serial += 1;
  const response = await pump(
    stack.app.request("/v1/staff/bimtek", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken("district", "32.05")}`,
      },
      body: JSON.stringify({
        level: "dasar",
        title: `Bimtek Dasar PSM Garut angkatan ${serial}`,
        regionCode: "32.05",
        venue: "Aula Dinas Sosial Garut",
        ...times,
        capacity: 75,
      }),
    }),
  );
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  return (await pump(getSession(id))) as BimtekSession;
}

/** The candidate enrols with their registration's receipt: a confirmed seat. */
async function enrol(s: BimtekSession, c: Candidate): Promise<Enrolment> {
  const response = await pump(
    stack.app.request(`/v1/bimtek/${s.id}/enrollments`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ registrationId: c.id, receiptCode: c.receiptCode }),
    }),
  );
  expect(response.status).toBe(201);
  const answer = (await response.json()) as { enrollmentId: string; status: string };
  expect(answer.status).toBe("confirmed");
  return enrolmentOf(answer.enrollmentId);
}

const enrolmentOf = async (id: string) =>
  (await pump(db().send(new GetCommand({ TableName: tableName(), Key: bimtekKeys.enrolment(id) }))))
    .Item as Enrolment;

async function putAttendance(sessionId: string, records: unknown, region = "32.05") {
  return pump(
    stack.app.request(`/v1/staff/bimtek/${sessionId}/attendance`, {
      method: "PUT",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken("district", region)}`,
      },
      body: JSON.stringify({ records }),
    }),
  );
}

const attendancePath = (sessionId: string) => {
  const url = new URL(attendanceUrl(sessionId));
  return `${url.pathname}${url.search}`;
};

describe("bimtek attendance and certificates", () => {
  it("counts the session's local calendar days", () => {
    // 08:00 WIB on the 25th to 16:00 WIB on the 26th: two days, though both are one UTC date apart.
    expect(
      sessionDays({ startsAt: "2026-11-25T01:00:00Z", endsAt: "2026-11-26T09:00:00Z", regionCode: "32.05" }),
    ).toEqual(["2026-11-25", "2026-11-26"]);
    // 18:00 to 23:30 UTC on the 24th is the 25th from 01:00 to 06:30 WIB: one day.
    expect(
      sessionDays({ startsAt: "2026-11-24T18:00:00Z", endsAt: "2026-11-24T23:30:00Z", regionCode: "32.05" }),
    ).toEqual(["2026-11-25"]);
    // The same instants in Papua (WIT, UTC+9) are still one day; an overnight WIT session is two.
    expect(
      sessionDays({ startsAt: "2026-11-24T12:00:00Z", endsAt: "2026-11-24T16:00:00Z", regionCode: "91.01" }),
    ).toEqual(["2026-11-24", "2026-11-25"]);
    expect(maskName("Siti Rahmawati")).toBe("S*** R********");
  });

  it("attendance → certificate → the recruitment execution moves on; a missed day is told; then attendance is closed", async () => {
    const present = await candidate();
    const absent = await candidate();
    const s = await session();
    const full = await enrol(s, present);
    const partial = await enrol(s, absent);

    // Before the session ended, nobody records attendance.
    const early = await putAttendance(s.id, [{ enrollmentId: full.id, days: [1, 2] }]);
    expect(early.status).toBe(409);
    // Nor are certificates issued for a session not yet held.
    expect(await pump(issueCertificates(s))).toBe("not-due");
    expect((await pump(getSession(s.id)))?.certifiedAt).toBeUndefined();

    await vi.advanceTimersByTimeAsync(4 * DAY);

    // The organisers (the kabupaten's Bimtek organiser and the session's creator) are asked once each.
    await pump(requestAttendance(s));
    await pump(requestAttendance(s));
    const asked = mailAbout(s.title).filter((m) => m.subject.startsWith("Isi daftar hadir"));
    expect(asked.map((m) => m.to[0]).sort()).toEqual([BIMTEK_GARUT, CREATOR].sort());
    const link = asked[0]?.links.find((l) => l.includes("/v1/bimtek/attendance/")) as string;
    expect(link).toBe(attendanceUrl(s.id));
    expect(asked[0]?.text).not.toContain(present.name);

    // The page names the participants to the organiser; a wrong code is a 404 like an unknown session.
    let sheet = new Response();
    const pageLogs = await capturedLogs(async () => {
      sheet = await pump(stack.app.request(attendancePath(s.id)));
    });
    expect(pageLogs).not.toContain(new URL(attendanceUrl(s.id)).searchParams.get("code"));
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get("Cache-Control")).toBe("no-store");
    expect(sheet.headers.get("Referrer-Policy")).toBe("no-referrer");
    const html = await sheet.text();
    expect(html).toContain(present.name);
    expect(html).toContain(absent.name);
    expect(html).toContain("Hari 2");
    expect(html).not.toContain(present.nik);
    const wrong = await pump(stack.app.request(`/v1/bimtek/attendance/${s.id}?code=${"A".repeat(22)}`));
    expect(wrong.status).toBe(404);

    // The organiser ticks both days for one participant on the page; the other came on day 1 only.
    const saved = await pump(
      stack.app.request(attendancePath(s.id), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams([
          ["participant", full.id],
          ["participant", partial.id],
          ["attended", `${full.id}:1`],
          ["attended", `${full.id}:2`],
          ["attended", `${partial.id}:1`],
        ]).toString(),
      }),
    );
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("tersimpan");
    expect((await enrolmentOf(full.id)).days).toEqual([1, 2]);
    expect((await enrolmentOf(partial.id)).days).toEqual([1]);

    // The staff API: a day outside the session is a 422 naming the field; outside the region a 404.
    const outside = await putAttendance(s.id, [{ enrollmentId: partial.id, days: [1, 3] }]);
    expect(outside.status).toBe(422);
    expect(((await outside.json()) as { errors: Array<{ field: string }> }).errors).toEqual([
      expect.objectContaining({ field: "records.0.days" }),
    ]);
    expect((await putAttendance(s.id, [{ enrollmentId: partial.id, days: [1] }], "32.04")).status).toBe(404);
    const malformed = await putAttendance(s.id, [{ enrollmentId: "x", days: ["satu"] }]);
    expect(malformed.status).toBe(422);
    expect(
      ((await malformed.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field),
    ).toEqual(["records.0.enrollmentId", "records.0.days.0"]);
    expect((await putAttendance(s.id, "semua hadir")).status).toBe(422);
    const corrected = await putAttendance(s.id, [{ enrollmentId: partial.id, days: [2] }]);
    expect(corrected.status).toBe(200);
    expect((await enrolmentOf(partial.id)).days).toEqual([2]);
    const staffAnswer = await pump(
      stack.app.request(`/v1/staff/bimtek/${s.id}`, {
        headers: { Authorization: `Bearer ${await staffToken("district", "32.05")}` },
      }),
    );
    const staffView = (await staffAnswer.json()) as {
      attendanceDays: string[];
      participants: Array<{ enrollmentId: string; days: number[] }>;
    };
    expect(staffView.attendanceDays).toEqual(["2026-11-25", "2026-11-26"]);
    expect(staffView.participants.find((p) => p.enrollmentId === partial.id)?.days).toEqual([2]);

    // The next session the one who missed a day is pointed to.
    const next = await session({
      startsAt: "2026-12-07T08:00:00+07:00",
      endsAt: "2026-12-08T16:00:00+07:00",
    });
    // Certificates: the code appears in no log line.
    const logs = await capturedLogs(async () => {
      expect(await pump(issueCertificates(s))).toEqual({ completed: 1, incomplete: 1 });
    });
    expect(logs).not.toContain(certificateCode(full.id));

    const completed = await enrolmentOf(full.id);
    expect(completed.status).toBe("completed");
    expect(completed.certificateNumber).toMatch(/^BIMTEK-DASAR\/3205\/2026\/\d{4}$/);
    const certificateMail = mailTo(present.email).find((m) =>
      m.subject.startsWith("Sertifikat Bimtek dasar"),
    );
    expect(certificateMail?.links).toContain(certificateUrl(full.id));

    // The recruitment execution moves on: the district is asked to verify the candidate.
    const verification = await until(
      () => mailAbout(`Verifikasi calon PSM: ${present.name}`, DINSOS_GARUT)[0],
      "the verification request",
    );
    expect(verification).toBeDefined();
    const moved = await registration(present.id);
    expect(moved.stage).toBe("district-verification");
    const trainingEvent = (await pump(listEvents(present.id))).find((e) => e.event === "training-completed");
    expect(trainingEvent?.actor).toMatchObject({ id: `bimtek:${s.id}`, role: "system" });
    expect(trainingEvent?.note).toContain("2026-11-26");

    // The one who missed a day is told, keeps waiting for Bimtek dasar in the recruitment workflow.
    expect((await enrolmentOf(partial.id)).status).toBe("incomplete");
    const told = mailTo(absent.email).filter((m) => m.subject.startsWith("Bimtek dasar belum selesai"));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain(next.title);
    expect(told[0]?.text).toContain(next.id);
    expect((await registration(absent.id)).stage).toBe("basic-training");
    expect(mailAbout(`Verifikasi calon PSM: ${absent.name}`)).toHaveLength(0);

    // The public verification page: masked name, no NIK, from the code alone.
    const code = certificateCode(full.id);
    const json = await pump(stack.app.request(`/v1/certificates/${code}`));
    expect(json.status).toBe(200);
    const view = (await json.json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      number: completed.certificateNumber,
      name: maskName(present.name),
      level: "dasar",
      sessionTitle: s.title,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    });
    const text = JSON.stringify(view);
    expect(text).not.toContain(present.nik);
    expect(text).not.toContain("3205********");
    expect(text).not.toContain(present.name);
    const pageHtml = await (
      await pump(stack.app.request(`/v1/certificates/${code}`, { headers: { Accept: "text/html" } }))
    ).text();
    expect(pageHtml).toContain(completed.certificateNumber as string);
    expect(pageHtml).toContain(maskName(present.name));
    expect(pageHtml).not.toContain(present.name);
    expect(pageHtml).not.toContain(present.nik.slice(0, 6));
    expect((await pump(stack.app.request(`/v1/certificates/${"B".repeat(22)}`))).status).toBe(404);
    expect((await pump(stack.app.request(`/v1/certificates/${"B".repeat(3000)}`))).status).toBe(404);
    expect((await pump(stack.app.request(`/v1/certificates/${completed.certificateNumber}`))).status).toBe(
      404,
    );
    // Only the code's keyed hash is stored.
    const stored = await pump(
      db().send(new GetCommand({ TableName: tableName(), Key: { pk: `BIMTEK-CERT#${code}`, sk: "CERT" } })),
    );
    expect(stored.Item).toBeUndefined();

    // Attendance is closed now: the staff API and the page both refuse.
    expect((await putAttendance(s.id, [{ enrollmentId: partial.id, days: [1, 2] }])).status).toBe(409);
    const late = await pump(
      stack.app.request(attendancePath(s.id), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams([
          ["participant", partial.id],
          ["attended", `${partial.id}:2`],
        ]).toString(),
      }),
    );
    expect(late.status).toBe(409);
    expect((await enrolmentOf(partial.id)).days).toEqual([2]);

    // A repeat (a retried task) issues and tells nothing twice.
    const before = outbox().list().length;
    expect(await pump(issueCertificates(s))).toEqual({ completed: 1, incomplete: 1 });
    expect(outbox().list().length).toBe(before);
    const trail = (await pump(sessionEvents(bimtekKeys.trail(s.id)))).map((e) => e.event);
    expect(trail).toEqual([
      "created",
      "attendance-recorded",
      "attendance-recorded",
      "attendance-closed",
      "certificates-issued",
    ]);
  });
  it("a crash in the middle (a mail that could not go out) is finished by the retry, nobody told twice", async () => {
    const first = await candidate();
    const second = await candidate();
    const missed = await candidate();
    const s = await session();
    const [a, b, c] = [await enrol(s, first), await enrol(s, second), await enrol(s, missed)];
    await vi.advanceTimersByTimeAsync(4 * DAY);
    const saved = await putAttendance(s.id, [
      { enrollmentId: a.id, days: [1, 2] },
      { enrollmentId: b.id, days: [2, 1, 2] },
      { enrollmentId: c.id, days: [] },
    ]);
    expect(saved.status).toBe(200);

    // The first participant's certificate mail fails once: the task fails (and would be retried).
    const mailbox = outbox();
    const deliver = mailbox.add.bind(mailbox);
    let failed = false;
    const spy = vi.spyOn(mailbox, "add").mockImplementation((mail) => {
      if (!failed && mail.to.includes(first.email) && mail.subject.startsWith("Sertifikat")) {
        failed = true;
        throw new Error("SES unavailable");
      }
      return deliver(mail);
    });
    try {
      const outcome = await pump(
        issueCertificates(s).then(
          () => "issued",
          (error: Error) => error.name,
        ),
      );
      expect(outcome).toBe("MailDeliveryFailed");
    } finally {
      spy.mockRestore();
    }
    const half = await enrolmentOf(a.id);
    expect(half.status).toBe("completed");
    expect((await enrolmentOf(b.id)).status).toBe("confirmed");
    expect((await registration(first.id)).stage).toBe("basic-training");
    // Attendance is closed from the first attempt on.
    expect((await putAttendance(s.id, [{ enrollmentId: c.id, days: [1, 2] }])).status).toBe(409);

    expect(await pump(issueCertificates(s))).toEqual({ completed: 2, incomplete: 1 });
    const done = await enrolmentOf(a.id);
    expect(done.certificateNumber).toBe(half.certificateNumber);
    expect((await enrolmentOf(b.id)).certificateNumber).not.toBe(done.certificateNumber);
    for (const person of [first, second]) {
      expect(
        mailTo(person.email).filter((m) => m.subject.startsWith("Sertifikat Bimtek dasar")),
      ).toHaveLength(1);
      await until(
        () => mailAbout(`Verifikasi calon PSM: ${person.name}`, DINSOS_GARUT)[0],
        "the verification request",
      );
    }
    expect(
      mailTo(missed.email).filter((m) => m.subject.startsWith("Bimtek dasar belum selesai")),
    ).toHaveLength(1);
    expect((await registration(missed.id)).stage).toBe("basic-training");
    expect((await pump(getSession(s.id)))?.status).toBe("completed");
  });

  it("Bimtek lanjutan: the province's organisers are asked, the PSM certified, the recruitment untouched", async () => {
    // An active PSM: Bimtek dasar through a session, then the district approves.
    const person = await candidate();
    const dasar = await session();
    const seat = await enrol(dasar, person);
    await vi.advanceTimersByTimeAsync(4 * DAY);
    expect((await putAttendance(dasar.id, [{ enrollmentId: seat.id, days: [1, 2] }])).status).toBe(200);
    await pump(issueCertificates(dasar));
    const verification = await until(
      () => mailAbout(`Verifikasi calon PSM: ${person.name}`, DINSOS_GARUT)[0],
      "the verification request",
    );
    const approved = await pump(
      stack.app.request(path(actionLink(verification)), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ decision: "approve" }).toString(),
      }),
    );
    expect(approved.status).toBe(200);
    await until(async () => (await registration(person.id)).status === "active", "the active PSM");
    const events = (await pump(listEvents(person.id))).length;

    const created = await pump(
      stack.app.request("/v1/staff/bimtek", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${await staffToken("province", "32")}`,
        },
        body: JSON.stringify({
          level: "lanjutan",
          title: "Bimtek Lanjutan PSM Jawa Barat",
          regionCode: "32",
          venue: "Balai Diklat Kesejahteraan Sosial Bandung",
          startsAt: "2026-12-08T08:00:00+07:00",
          endsAt: "2026-12-10T16:00:00+07:00",
          capacity: 100,
        }),
      }),
    );
    expect(created.status).toBe(201);
    const lanjutan = (await pump(getSession(((await created.json()) as { id: string }).id))) as BimtekSession;
    const advanced = await enrol(lanjutan, person);
    await vi.advanceTimersByTimeAsync(14 * DAY);

    await pump(requestAttendance(lanjutan));
    const asked = mailAbout(lanjutan.title).filter((m) => m.subject.startsWith("Isi daftar hadir"));
    // Nobody holds the province's bimtek-organiser duty: the province officer stands in, beside the creator.
    expect(asked.map((m) => m.to[0]).sort()).toEqual([
      "dinsos.prov@jabarprov.example.go.id",
      "province@example.go.id",
    ]);
    // Three local days; a district officer of a kabupaten in the province may not record them.
    expect(
      (await putAttendance(lanjutan.id, [{ enrollmentId: advanced.id, days: [1, 2, 3] }], "32.05")).status,
    ).toBe(404);
    const recorded = await pump(
      stack.app.request(`/v1/staff/bimtek/${lanjutan.id}/attendance`, {
        method: "PUT",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${await staffToken("province", "32")}`,
        },
        body: JSON.stringify({ records: [{ enrollmentId: advanced.id, days: [1, 2, 3] }] }),
      }),
    );
    expect(recorded.status).toBe(200);
    expect(await pump(issueCertificates(lanjutan))).toEqual({ completed: 1, incomplete: 0 });
    expect((await enrolmentOf(advanced.id)).certificateNumber).toMatch(/^BIMTEK-LANJUTAN\/32\/2026\/\d{4}$/);
    expect(
      mailTo(person.email).filter((m) => m.subject.startsWith("Sertifikat Bimtek lanjutan")),
    ).toHaveLength(1);
    const member = await registration(person.id);
    expect(member.status).toBe("active");
    expect((await pump(listEvents(person.id))).length).toBe(events);
  });
  it("a save racing the certificates either counts or is refused, never lost", async () => {
    const people = [await candidate(), await candidate(), await candidate(), await candidate()];
    const s = await session();
    const seats: Enrolment[] = [];
    for (const person of people) seats.push(await enrol(s, person));
    await vi.advanceTimersByTimeAsync(4 * DAY);

    const save = (index: number) => putAttendance(s.id, [{ enrollmentId: seats[index]?.id, days: [1, 2] }]);
    // One save lands before, two race the certificates, one comes after.
    const before = await save(0);
    const [issued, ...racing] = await pump(Promise.all([issueCertificates(s), save(1), save(2)]));
    const after = await save(3);
    const saves = [before, ...racing, after];
    expect(before.status).toBe(200);
    expect(after.status).toBe(409);
    if (issued === "not-due") throw new Error("the session has ended: certificates are due");
    expect(issued.completed + issued.incomplete).toBe(seats.length);
    for (const [index, seat] of seats.entries()) {
      const status = (await enrolmentOf(seat.id)).status;
      expect([200, 409]).toContain(saves[index]?.status);
      expect(status).toBe(saves[index]?.status === 200 ? "completed" : "incomplete");
    }
  });
});
