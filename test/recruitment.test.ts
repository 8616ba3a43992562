/**
 * The recruitment workflow end to end — the real state machine on the local engine, the real task
 * handlers, DynamoDB Local, the API app — with fake timers standing in for days.
 */
import {
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import {
  type Action,
  actionRef,
  getAction,
  getCurrentRequest,
  recordDecision,
} from "@sigap/core/action/repository";
import { nowIso } from "@sigap/core/clock";
import { settings } from "@sigap/core/config/settings";
import { dynamodb } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import type { Registration } from "@sigap/core/registration/model";
import { acknowledge } from "@sigap/core/registration/recruitment";
import { getRegistration, listEvents } from "@sigap/core/registration/repository";
import { executionName, reconcileRegistrations } from "@sigap/core/registration/workflow";
import { stateMachineArn } from "@sigap/core/resources";
import { putApprovers } from "@sigap/core/staff/directory";
import { sfn } from "@sigap/core/workflow/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { actionLink, path, pump, until, useFakeWorkflowClock } from "./support/fake-clock";
import { capturedLogs } from "./support/logs";
import { staffToken } from "./support/staff-token";

// A jump of days on the fake clock would fire every in-flight SDK request's timeout (the SDK's
// timers are faked too); this file tests the workflow, test/dependency-failures.test.ts the limits.
process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

const DAY = 24 * 3600 * 1000;
const KADES_CIKAJANG = "kades.cikajang@garutkab.example.go.id";
const DINSOS_GARUT = "psm@dinsos.garutkab.example.go.id";
const BIMTEK_GARUT = "bimtek@dinsos.garutkab.example.go.id";

let stack: AppStack;
beforeAll(async () => {
  // Read only now: had anything read the settings while importing, the limits above would not apply.
  expect(settings().aws.requestTimeoutMs).toBe(0);
  stack = await startAppStack();
});
afterAll(() => stack.close());

useFakeWorkflowClock();

let serial = 200;
async function register(overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  serial += 1;
  const name = `Pendaftar Uji ${serial}`;
  const response = await pump(
    stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        ...validRegistration,
        nik: `320501550795${String(serial).padStart(4, "0")}`,
        fullName: name,
        email: `pendaftar${serial}@example.com`,
        ...overrides,
      }),
    }),
  );
  expect(response.status).toBe(202);
  return { id: ((await response.json()) as { id: string }).id, name };
}

/** Mail about this applicant, oldest first. */
const mailAbout = (name: string, to?: string) =>
  outbox()
    .list()
    .reverse()
    .filter((m) => m.subject.includes(name) && (!to || m.to.includes(to)));
const mailTo = (address: string) =>
  outbox()
    .list()
    .reverse()
    .filter((m) => m.to.includes(address));

const open = (link: string) => pump(stack.app.request(path(link)));
const decide = (link: string, fields: Record<string, string>) =>
  pump(
    stack.app.request(path(link), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    }),
  );

const registration = (id: string) => pump(getRegistration(id)) as Promise<Registration>;
const statusOf = (id: string) => async () => (await registration(id)).status;
const stageIs = (id: string, stage: Registration["stage"]) => async () =>
  (await registration(id)).stage === stage;
/** The task token of the Bimtek dasar wait, recorded as a request in the action table. */
async function trainingToken(id: string): Promise<string | undefined> {
  const current = await getCurrentRequest({
    subjectType: "registration",
    subjectId: id,
    step: "basic-training",
  });
  const action = current?.actionIds[0] ? await getAction(current.actionIds[0]) : undefined;
  return action?.status === "pending" && !current?.decidedActionId ? action.taskToken : undefined;
}

async function completeTraining(id: string): Promise<void> {
  const response = await pump(
    stack.app.request(`/v1/staff/registrations/${id}/training-completions`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken("district", "32.05")}`,
      },
      body: JSON.stringify({ completedAt: "2026-11-20", note: "Angkatan 1" }),
    }),
  );
  expect(response.status).toBe(202);
}

describe("recruitment", () => {
  it("runs the happy path: recommend, training, approve → active member", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the recommendation request");
    expect(request.subject).toBe(`Permohonan rekomendasi calon PSM: ${name}`);
    expect(request.text).toContain("3205********");
    expect(request.text).toContain("WIB");
    const link = actionLink(request);

    // Opening the link (twice, as a mail scanner would) decides nothing.
    const page = await open(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Rekomendasikan");
    expect(html).toContain("3205********");
    expect((await open(link)).status).toBe(200);
    const actionId = path(link).split("/").pop() as string;
    expect((await pump(getAction(actionId)))?.status).toBe("pending");
    expect((await registration(id)).status).toBe("submitted");

    const decided = await decide(link, { decision: "recommend", note: "Aktif di posyandu" });
    expect(decided.status).toBe(200);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
    await until(
      () => mailTo(`pendaftar${serial}@example.com`).find((m) => m.subject === "Anda kini calon PSM"),
      "candidate email",
    );
    // A replayed POST is refused.
    expect((await decide(link, { decision: "recommend" })).status).toBe(410);

    await until(stageIs(id, "basic-training"), "the training wait");
    await until(() => trainingToken(id), "the training token");
    await completeTraining(id);
    const verification = await until(() => mailAbout(name, DINSOS_GARUT)[0], "the verification request");
    expect(verification.subject).toBe(`Verifikasi calon PSM: ${name}`);
    expect((await decide(actionLink(verification), { decision: "approve" })).status).toBe(200);

    await until(async () => (await statusOf(id)()) === "active", "active status");
    const member = await registration(id);
    expect(member.memberNumber).toMatch(/^PSM-3205-\d{6}$/);
    expect(member.skNumber).toMatch(/^SK-PSM\/3205\/2026\/\d{4}$/);
    const events = (await pump(listEvents(id))).map((e) => e.event);
    expect(events).toEqual([
      "submitted",
      "decision-requested",
      "recommended",
      "training-completed",
      "decision-requested",
      "approved",
    ]);
  });

  it("reminds after 3 days with a fresh link, escalates after two reminders, and the district may reject", async () => {
    const { id, name } = await register();
    const first = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the first request");

    await vi.advanceTimersByTimeAsync(3 * DAY - 60_000);
    expect(mailAbout(name)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    const reminder = await until(() => mailAbout(name, KADES_CIKAJANG)[1], "the first reminder");
    expect(reminder.subject).toBe(`Pengingat ke-1: Permohonan rekomendasi calon PSM: ${name}`);

    // The first link was superseded by the reminder's.
    const superseded = await open(actionLink(first));
    expect(superseded.status).toBe(410);
    expect(await superseded.text()).toContain("sudah diganti");
    expect((await decide(actionLink(first), { decision: "recommend" })).status).toBe(410);

    await vi.advanceTimersByTimeAsync(3 * DAY);
    await until(() => mailAbout(name, KADES_CIKAJANG)[2], "the second reminder");
    await vi.advanceTimersByTimeAsync(3 * DAY);
    const escalated = await until(() => mailAbout(name, DINSOS_GARUT)[0], "the escalation");
    expect(escalated.subject).toBe(`Dialihkan kepada Anda: Permohonan rekomendasi calon PSM: ${name}`);
    expect(escalated.text).toContain("Anda dapat memutuskan sebagai gantinya");
    expect(mailAbout(name, KADES_CIKAJANG)).toHaveLength(3);

    const link = actionLink(escalated);
    expect((await decide(link, { decision: "reject" })).status).toBe(422);
    expect((await decide(link, { decision: "reject", reason: "Belum berdomisili di desa ini" })).status).toBe(
      200,
    );
    await until(async () => (await statusOf(id)()) === "rejected", "rejected status");
    const told = await until(
      () => mailTo(`pendaftar${serial}@example.com`).find((m) => m.subject.includes("belum dapat diterima")),
      "the rejection email",
    );
    expect(told.text).toContain("Alasan: Belum berdomisili di desa ini");
    const r = await registration(id);
    expect(r.rejectionReason).toBe("Belum berdomisili di desa ini");
    expect(r.flags).toContain("decided-on-behalf:village-recommendation");
    expect((await pump(listEvents(id))).map((e) => e.event)).toEqual([
      "submitted",
      "decision-requested",
      "reminder-sent",
      "reminder-sent",
      "escalated",
      "rejected",
    ]);
  });

  it("tells the applicant exactly once even when the first send fails (the task is retried)", async () => {
    const { id, name } = await register();
    const applicant = `pendaftar${serial}@example.com`;
    const box = outbox();
    const add = box.add.bind(box);
    let failures = 0;
    const spy = vi.spyOn(box, "add").mockImplementation((mail) => {
      if (failures === 0 && mail.to.includes(applicant) && mail.subject === "Anda kini calon PSM") {
        failures += 1;
        throw new Error("SES throttled");
      }
      return add(mail);
    });
    try {
      const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
      await decide(actionLink(request), { decision: "recommend" });
      await until(() => failures === 1, "the failed send");
      expect((await registration(id)).status).toBe("candidate");
      await vi.advanceTimersByTimeAsync(60_000); // the retry interval (with jitter) has passed
      await until(
        () => mailTo(applicant).find((m) => m.subject === "Anda kini calon PSM"),
        "the retried email",
      );
      expect(mailTo(applicant).filter((m) => m.subject === "Anda kini calon PSM")).toHaveLength(1);
      // Recorded right after the send, so a later retry would not send it again.
      await until(
        async () => (await registration(id)).notified?.includes("recommended"),
        "the notified marker",
      );
      expect((await registration(id)).notified).toEqual(["recommended"]);
      await until(() => trainingToken(id), "the workflow moving on");
    } finally {
      spy.mockRestore();
    }
  });

  it("lets the village head reject, with the reason told to the applicant", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    expect(
      (await decide(actionLink(request), { decision: "reject", reason: "Tidak dikenal di desa" })).status,
    ).toBe(200);
    await until(async () => (await statusOf(id)()) === "rejected", "rejected status");
    expect((await registration(id)).stage).toBe("completed");
  });

  it("lets the district reject at verification", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    await decide(actionLink(request), { decision: "recommend" });
    await until(() => trainingToken(id), "the training wait");
    await completeTraining(id);
    const verification = await until(() => mailAbout(name, DINSOS_GARUT)[0], "the verification request");
    expect(
      (await decide(actionLink(verification), { decision: "reject", reason: "Berkas SKCK belum ada" }))
        .status,
    ).toBe(200);
    await until(async () => (await statusOf(id)()) === "rejected", "rejected status");
    expect((await registration(id)).rejectionReason).toBe("Berkas SKCK belum ada");
  });

  it("tells the district and the applicant when Bimtek dasar is not done in 180 days, parks, and waits again after the restart", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    await decide(actionLink(request), { decision: "recommend" });
    const firstToken = await until(() => trainingToken(id), "the training wait");

    await vi.advanceTimersByTimeAsync(179 * DAY);
    expect(mailAbout(name, BIMTEK_GARUT)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(DAY);
    // The kabupaten's Bimtek organiser is told (the district officer only when none is listed).
    const staff = await until(() => mailAbout(name, BIMTEK_GARUT)[0], "the overdue notice");
    expect(staff.subject).toBe(`Bimtek dasar belum tercatat: ${name}`);
    await until(
      () =>
        mailTo(`pendaftar${serial}@example.com`).find(
          (m) => m.subject === "Bimtek dasar Anda belum tercatat",
        ),
      "the applicant's notice",
    );
    await until(async () => (await registration(id)).flags?.includes("training-overdue"), "the overdue flag");

    // The execution parks (never past the one-year limit); the reconciler starts it again at the
    // training wait (a fresh token), so the candidate can still complete it.
    const parked = await until(
      async () => ((await registration(id)).workflowAttempt ?? 1) > 1 && registration(id),
      "the restart mark of the parked execution",
    );
    expect(parked.stage).toBe("basic-training");
    expect((await pump(reconcileRegistrations())).restarted).toBe(1);
    await until(async () => {
      const token = await trainingToken(id);
      return token !== undefined && token !== firstToken;
    }, "the renewed training wait");
    await completeTraining(id);
    await until(stageIs(id, "district-verification"), "district verification");
  });

  it("gives each listed approver a link of their own; the first decision closes the others", async () => {
    await pump(
      putApprovers(
        "32.05.22.2003",
        [
          { name: "Kepala Desa Mekarsari", email: "kades.mekarsari@example.go.id" },
          { name: "Sekretaris Desa Mekarsari", email: "sekdes.mekarsari@example.go.id" },
        ],
        "test",
      ),
    );
    const { id, name } = await register({ villageCode: "32.05.22.2003" });
    const kades = await until(() => mailAbout(name, "kades.mekarsari@example.go.id")[0], "the head's email");
    const sekdes = await until(
      () => mailAbout(name, "sekdes.mekarsari@example.go.id")[0],
      "the secretary's email",
    );
    expect(kades.to).toEqual(["kades.mekarsari@example.go.id"]);
    expect(actionLink(kades)).not.toBe(actionLink(sekdes));
    expect(await (await open(actionLink(sekdes))).text()).toContain("Yth. Sekretaris Desa Mekarsari");

    expect((await decide(actionLink(sekdes), { decision: "recommend" })).status).toBe(200);
    const other = await open(actionLink(kades));
    expect(other.status).toBe(410);
    expect(await other.text()).toContain("oleh Sekretaris Desa Mekarsari");
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
  });

  it("asks the level above, flagged, when a village has no approver listed", async () => {
    // Desa Simpang (Kecamatan Cikajang) has nobody listed; Kabupaten Garut does.
    const { id, name } = await register({ villageCode: "32.05.22.2002" });
    const request = await until(() => mailAbout(name, DINSOS_GARUT)[0], "the request to the district");
    expect(request.text).toContain("Belum ada penyetuju terdaftar");
    expect((await registration(id)).flags).toContain("approver-missing:village");
  });
});

const executionArnOf = (r: Registration) =>
  stateMachineArn("recruitment")
    .replace(":stateMachine:", ":execution:")
    .concat(`:${executionName(r)}`);
/**
 * The execution is lost (stopped by hand): its ABORTED status-change event marks the registration
 * for restart with the next attempt, which the next reconciliation starts.
 */
const loseExecution = async (id: string) => {
  const before = await registration(id);
  await pump(
    stack.client.send(new StopExecutionCommand({ executionArn: executionArnOf(before), error: "Lost" })),
  );
  await until(
    async () => ((await registration(id)).workflowAttempt ?? 1) > (before.workflowAttempt ?? 1),
    "the restart mark",
  );
};
const actionIdOf = (link: string) => path(link).split("/").pop() as string;

describe("nothing lost, nothing sent twice", () => {
  const acknowledgements = (applicant: string) =>
    mailTo(applicant).filter((m) => m.subject === "Pendaftaran PSM Anda telah diterima");

  it("acknowledges once when the task runs again (a crashed execution started anew)", async () => {
    const { id, name } = await register();
    const applicant = `pendaftar${serial}@example.com`;
    await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    expect(acknowledgements(applicant)).toHaveLength(1);
    expect((await registration(id)).acknowledgedAt).toBeDefined();
    // What a re-run Acknowledge task does: the claim was made, nothing is sent.
    await pump(acknowledge(id));
    expect(acknowledgements(applicant)).toHaveLength(1);
  });

  it("acknowledges once even when the first send fails: the claim is given back for the retry", async () => {
    const box = outbox();
    const add = box.add.bind(box);
    let failures = 0;
    const spy = vi.spyOn(box, "add").mockImplementation((mail) => {
      if (failures === 0 && mail.subject === "Pendaftaran PSM Anda telah diterima") {
        failures += 1;
        throw new Error("SES throttled");
      }
      return add(mail);
    });
    try {
      await register();
      const applicant = `pendaftar${serial}@example.com`;
      await until(() => failures === 1, "the failed send");
      await vi.advanceTimersByTimeAsync(60_000); // the retry interval (with jitter) has passed
      await until(() => acknowledgements(applicant)[0], "the retried acknowledgement");
      expect(acknowledgements(applicant)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("keeps the request's audit event with its links: a crash right after the email loses neither", async () => {
    // A crash right after the email: the first audit write of a request made on its own (not with
    // the links) fails, as if the task had died there. Written with the links, nothing fails.
    let crashed = 0;
    const name = "crash-after-request-email";
    dynamodb().middlewareStack.add(
      (next, context) => async (args) => {
        // Marshalled or not, depending on where the stack has got to: read as text.
        const puts = ((args.input as { TransactItems?: Array<{ Put?: unknown }> }).TransactItems ?? []).map(
          (i) => JSON.stringify(i.Put ?? null),
        );
        const lonelyEvent =
          context.commandName?.startsWith("TransactWrite") === true &&
          puts.some((put) => put.includes('"decision-requested"')) &&
          !puts.some((put) => /"entity":(\{"S":)?"action"/.test(put));
        if (crashed === 0 && lonelyEvent) {
          crashed += 1;
          throw new Error("crashed after the email");
        }
        return next(args);
      },
      { step: "initialize", name },
    );
    try {
      const { id, name: applicant } = await register();
      await until(() => mailAbout(applicant, KADES_CIKAJANG)[0], "the request");
      await vi.advanceTimersByTimeAsync(60_000);
      await until(
        async () => (await pump(listEvents(id))).some((e) => e.event === "decision-requested"),
        "the decision-requested event",
      );
      expect((await pump(listEvents(id))).map((e) => e.event)).toEqual(["submitted", "decision-requested"]);
      expect(mailAbout(applicant, KADES_CIKAJANG)).toHaveLength(1);
    } finally {
      dynamodb().middlewareStack.remove(name);
    }
  });

  it("resumes a lost execution where it stood: the same link, its deadline, nobody mailed again", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    const tokenBefore = (await pump(getAction(actionIdOf(actionLink(request)))))?.taskToken;
    await vi.advanceTimersByTimeAsync(DAY);
    await loseExecution(id);
    const mailed = outbox().list().length;

    const counts = await pump(reconcileRegistrations());
    expect(counts.restarted).toBe(1);
    expect((await registration(id)).workflowAttempt).toBe(2);
    // The resumed ask re-binds the link to its own task.
    await until(
      async () => (await getAction(actionIdOf(actionLink(request))))?.taskToken !== tokenBefore,
      "the re-bound link",
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outbox().list()).toHaveLength(mailed);
    expect((await open(actionLink(request))).status).toBe(200);
    // No second acknowledgement, no second request in the audit trail.
    expect(
      mailTo(`pendaftar${serial}@example.com`).filter((m) => m.subject.includes("diterima")),
    ).toHaveLength(1);

    // The resumed wait ends at the original deadline, not three days after the restart.
    const { validUntil } = (await pump(getAction(actionIdOf(actionLink(request))))) as { validUntil: string };
    await vi.advanceTimersByTimeAsync(new Date(validUntil).getTime() - Date.now() + 60_000);
    const reminder = await until(() => mailAbout(name, KADES_CIKAJANG)[1], "the reminder at the deadline");
    expect(reminder.subject).toBe(`Pengingat ke-1: Permohonan rekomendasi calon PSM: ${name}`);
    expect((await decide(actionLink(reminder), { decision: "recommend" })).status).toBe(200);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
    expect((await pump(listEvents(id))).map((e) => e.event)).toEqual([
      "submitted",
      "decision-requested",
      "reminder-sent",
      "recommended",
    ]);
  });

  it("applies a decision recorded just before its execution was lost, without asking again", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    // The crash: the execution is gone by the time the page hands the decision over.
    const send = sfn().send.bind(sfn());
    const spy = vi.spyOn(sfn(), "send").mockImplementation((async (command: unknown) => {
      if (command instanceof SendTaskSuccessCommand) await loseExecution(id);
      return send(command as never);
    }) as typeof send);
    let page: Response;
    try {
      page = await decide(actionLink(request), { decision: "recommend", note: "Aktif di posyandu" });
    } finally {
      spy.mockRestore();
    }
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("sudah tersimpan");
    expect((await registration(id)).status).toBe("submitted");
    const mailed = mailTo(KADES_CIKAJANG).length;

    expect((await pump(reconcileRegistrations())).restarted).toBe(1);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
    expect(mailTo(KADES_CIKAJANG)).toHaveLength(mailed);
    const events = await pump(listEvents(id));
    expect(events.map((e) => e.event)).toEqual(["submitted", "decision-requested", "recommended"]);
    expect(events[2]?.note).toContain("Aktif di posyandu");
    // Applied: a later reconciliation starts nothing for this step.
    expect(
      (
        await pump(
          getCurrentRequest({ subjectType: "registration", subjectId: id, step: "village-recommendation" }),
        )
      )?.appliedAt,
    ).toEqual(expect.any(String));
  });

  it("keeps a decision Step Functions could not take, and the reconciler hands it over", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    const send = sfn().send.bind(sfn());
    const spy = vi.spyOn(sfn(), "send").mockImplementation(((command: unknown) => {
      if (command instanceof SendTaskSuccessCommand) return Promise.reject(new Error("connect ECONNREFUSED"));
      return send(command as never);
    }) as typeof send);
    let page: Response;
    try {
      page = await decide(actionLink(request), { decision: "reject", reason: "Tidak dikenal di desa" });
    } finally {
      spy.mockRestore();
    }
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("tidak perlu mengirim ulang");
    // The link is used: a second POST cannot decide differently.
    expect((await decide(actionLink(request), { decision: "recommend" })).status).toBe(410);

    const counts = await pump(reconcileRegistrations());
    expect(counts.running).toBeGreaterThanOrEqual(1);
    await until(async () => (await statusOf(id)()) === "rejected", "rejected status");
    expect((await registration(id)).rejectionReason).toBe("Tidak dikenal di desa");
    expect(mailAbout(name, KADES_CIKAJANG)).toHaveLength(1);
  });

  it("hands over a decision whose page crashed right after storing it: the reconciler finds its mark", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    const action = (await pump(getAction(actionIdOf(actionLink(request))))) as Action;
    // What `decide` does first, and then the process dies: stored, never delivered.
    expect(
      await pump(recordDecision(action, { decision: "reject", reason: "Tidak dikenal di desa" }, nowIso())),
    ).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await registration(id)).status).toBe("submitted");

    await pump(reconcileRegistrations());
    await until(async () => (await statusOf(id)()) === "rejected", "rejected status");
    expect(mailAbout(name, KADES_CIKAJANG)).toHaveLength(1);
    // Done with: the next run finds nothing to look at.
    const again = await pump(reconcileRegistrations());
    expect(again.running + again.started + again.restarted).toBe(0);
  });

  it("resumes an escalated request at the district with its reminder count and deadline, on the same link", async () => {
    const { id, name } = await register();
    await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    for (const n of [1, 2]) {
      await vi.advanceTimersByTimeAsync(3 * DAY);
      await until(() => mailAbout(name, KADES_CIKAJANG)[n], `reminder ${n}`);
    }
    await vi.advanceTimersByTimeAsync(3 * DAY);
    await until(() => mailAbout(name, DINSOS_GARUT)[0], "the escalation");
    await vi.advanceTimersByTimeAsync(3 * DAY);
    const reminder = await until(() => mailAbout(name, DINSOS_GARUT)[1], "the district's first reminder");
    expect(reminder.subject).toContain("Pengingat ke-1");
    await vi.advanceTimersByTimeAsync(DAY);

    await loseExecution(id);
    const mailed = outbox().list().length;
    expect((await pump(reconcileRegistrations())).restarted).toBe(1);
    const current = await pump(
      getCurrentRequest({ subjectType: "registration", subjectId: id, step: "village-recommendation" }),
    );
    expect(current?.approval).toEqual({ startLevel: "village", level: "district", reminders: 1 });
    // Until shortly before the original deadline (about two days on), nothing is sent, to anyone.
    const left = new Date(current?.validUntil ?? 0).getTime() - Date.now();
    expect(left).toBeGreaterThan(DAY);
    await vi.advanceTimersByTimeAsync(left - 3600_000);
    await pump(Promise.resolve());
    expect(outbox().list()).toHaveLength(mailed);

    const link = actionLink(reminder);
    expect((await open(link)).status).toBe(200);
    expect((await decide(link, { decision: "recommend" })).status).toBe(200);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
    expect((await registration(id)).flags).toContain("decided-on-behalf:village-recommendation");
    expect(mailAbout(name, DINSOS_GARUT)).toHaveLength(2);
    expect(mailAbout(name, KADES_CIKAJANG)).toHaveLength(3);
  });

  it("gives an expired request on resume what its timeout would have: a reminder with a fresh link", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    await loseExecution(id);
    await vi.advanceTimersByTimeAsync(3 * DAY + 60_000);

    expect((await pump(reconcileRegistrations())).restarted).toBe(1);
    const reminder = await until(() => mailAbout(name, KADES_CIKAJANG)[1], "the reminder");
    expect(reminder.subject).toBe(`Pengingat ke-1: Permohonan rekomendasi calon PSM: ${name}`);
    expect(actionLink(reminder)).not.toBe(actionLink(request));
    expect((await open(actionLink(request))).status).toBe(410);
    expect((await decide(actionLink(request), { decision: "recommend" })).status).toBe(410);
    expect((await decide(actionLink(reminder), { decision: "recommend" })).status).toBe(200);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
  });
});

describe("secrets stay secret", () => {
  it("never puts an action id (the link's secret) in the logs or the execution history", async () => {
    let id = "";
    let link = "";
    const logs = await capturedLogs(async () => {
      const registered = await register();
      id = registered.id;
      link = actionLink(await until(() => mailAbout(registered.name, KADES_CIKAJANG)[0], "the request"));
      expect((await decide(link, { decision: "recommend", note: "Aktif" })).status).toBe(200);
      await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
      await until(() => trainingToken(id), "the training wait");
    });
    const actionId = actionIdOf(link);
    expect(logs).toContain("Decision requested");
    expect(logs).toContain("Decision recorded");
    expect(logs).toContain(actionRef(actionId));
    expect(logs).not.toContain(actionId);

    const history = await pump(
      stack.client.send(
        new GetExecutionHistoryCommand({ executionArn: executionArnOf(await registration(id)) }),
      ),
    );
    const text = JSON.stringify(history.events);
    expect(text).toContain(actionRef(actionId));
    expect(text).not.toContain(actionId);
  });
});
