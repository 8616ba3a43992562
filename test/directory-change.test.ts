/**
 * A district officer replaces a village head in the directory: the change is audited, the removed
 * head is told, their waiting link stops working and says who holds the request now, and the new
 * head's link decides the waiting step — end to end on the local engine and DynamoDB Local.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "@sigap/core/clock";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { clearSuppression, recordBounce } from "@sigap/core/mail/suppression";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { getRegistration } from "@sigap/core/registration/repository";
import { tableName } from "@sigap/core/resources";
import { getApprovers, peopleItem, putApprovers, resolveDuty } from "@sigap/core/staff/directory";
import { bumpDirectoryGeneration, directoryGenerationKey } from "@sigap/core/staff/directory-cache";
import { listDirectoryChanges } from "@sigap/core/staff/directory-change";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { staffToken } from "./support/staff-token";

const VILLAGE = "32.05.22.2001";
const OLD_HEAD = "kades.cikajang@garutkab.example.go.id";
const NEW_HEAD = {
  name: "Siti Aminah",
  email: "siti.aminah@garutkab.example.go.id",
  title: "Kepala Desa Cikajang",
};

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const mailTo = (address: string, about: string) =>
  outbox()
    .list()
    .filter((m) => m.to.includes(address) && m.subject.includes(about));
const actionPath = (mail: { links: string[] }) =>
  new URL(mail.links.find((l) => l.includes("/v1/actions/")) as string).pathname;
const decide = (path: string, decision: string) =>
  stack.app.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ decision }).toString(),
  });

async function putDirectory(approvers: unknown[], regionCode = VILLAGE) {
  return stack.app.request(`/v1/staff/directory/${regionCode}`, {
    method: "PUT",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${await staffToken("district", "32.05", { sub: "officer-garut", email: "psm@dinsos.garutkab.example.go.id" })}`,
    },
    body: JSON.stringify({ approvers }),
  });
}

describe("replacing a village head while a registration waits on them", () => {
  it("audits the change, tells the removed head, and moves the waiting link to the new head", async () => {
    const response = await stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...validRegistration, nik: "3205015507950601", fullName: "Pendaftar Pindah" }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const oldRequest = await until(
      () => mailTo(OLD_HEAD, "Pendaftar Pindah")[0],
      "the request to the old head",
    );
    const oldLink = actionPath(oldRequest);
    expect((await stack.app.request(oldLink)).status).toBe(200);

    const put = await putDirectory([NEW_HEAD]);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ regionCode: VILLAGE, movedRequests: 1 });
    expect(await getApprovers(VILLAGE)).toEqual([NEW_HEAD]);

    // The audit trail: who, when, before → after, and which request moved (never a link's id).
    const [change, ...others] = await listDirectoryChanges(VILLAGE);
    expect(others).toEqual([]);
    expect(change).toMatchObject({
      regionCode: VILLAGE,
      actor: {
        kind: "staff",
        id: "officer-garut",
        email: "psm@dinsos.garutkab.example.go.id",
        role: "district",
      },
      before: [expect.objectContaining({ email: OLD_HEAD })],
      after: [NEW_HEAD],
      removed: [OLD_HEAD],
      added: [NEW_HEAD.email],
      moved: [
        {
          subjectType: "registration",
          subjectId: id,
          step: "village-recommendation",
          holders: expect.stringContaining("Siti Aminah"),
        },
      ],
    });
    expect(change?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(change)).not.toContain(oldLink.split("/").pop());

    // The removed head is told, and where the request went.
    const removal = mailTo(OLD_HEAD, "tidak lagi menjadi penyetuju")[0];
    expect(removal?.text).toContain("Siti Aminah");
    expect(removal?.links ?? []).toEqual([]);

    // The old link no longer works and names the new holder, for reading and for deciding.
    const gone = await stack.app.request(oldLink);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain("dialihkan kepada Siti Aminah (Kepala Desa Cikajang)");
    expect((await decide(oldLink, "recommend")).status).toBe(410);

    // The new head got the request, and their link decides the waiting step.
    const newRequest = mailTo(NEW_HEAD.email, "Pendaftar Pindah")[0];
    expect(newRequest?.subject).toMatch(/^Dialihkan kepada Anda/);
    const newLink = actionPath(newRequest as { links: string[] });
    expect(newLink).not.toBe(oldLink);
    expect((await decide(newLink, "recommend")).status).toBe(200);
    await until(
      async () => ((await getRegistration(id))?.status === "candidate" ? true : undefined),
      "candidate",
    );
  });

  it("audits a change that removes nobody, and moves nothing", async () => {
    const put = await putDirectory([
      NEW_HEAD,
      { name: "Wakil Kepala Desa", email: "wakil@garutkab.example.go.id" },
    ]);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ movedRequests: 0 });
    const changes = await listDirectoryChanges(VILLAGE);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({ removed: [], added: ["wakil@garutkab.example.go.id"], moved: [] });
  });

  it("audits another duty's change in its own trail, leaving the approvers and their requests alone", async () => {
    const handler = { name: "Kasi Kesos Cikajang", email: "kesos.cikajang@garutkab.example.go.id" };
    const put = await stack.app.request(`/v1/staff/directory/${VILLAGE}?duty=case-handler`, {
      method: "PUT",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken("district", "32.05", { email: "psm@dinsos.garutkab.example.go.id" })}`,
      },
      body: JSON.stringify({ people: [handler] }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ duty: "case-handler", people: [handler], movedRequests: 0 });
    const handlerChanges = await listDirectoryChanges(VILLAGE, "case-handler");
    expect(handlerChanges).toHaveLength(1);
    expect(handlerChanges[0]).toMatchObject({
      duty: "case-handler",
      before: [],
      added: [handler.email],
      actor: { email: "psm@dinsos.garutkab.example.go.id" },
    });
    // The approvers' trail and list are as they were.
    expect(await listDirectoryChanges(VILLAGE, "approver")).toHaveLength(2);
    expect((await listDirectoryChanges(VILLAGE)).map((c) => c.duty)).toEqual([
      "approver",
      "approver",
      "case-handler",
    ]);
    expect((await getApprovers(VILLAGE)).map((a) => a.email)).toEqual([
      NEW_HEAD.email,
      "wakil@garutkab.example.go.id",
    ]);
  });

  it("keeps every action in the region index, so pending ones are found by region", async () => {
    const { Items } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi1lean",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": `ACTION#REGION#${VILLAGE}` },
      }),
    );
    expect((Items ?? []).map((i) => i.status).sort()).toEqual(["reassigned", "used"]);
  });
});

describe("a directory change that failed after writing the directory", () => {
  const KOTA_KULON = "32.05.01.1001";
  const OLD_LURAH = "lurah.kotakulon@garutkab.example.go.id";
  const NEW_LURAH = {
    name: "Rahmat Hidayat",
    email: "rahmat.hidayat@garutkab.example.go.id",
    title: "Lurah Kota Kulon",
  };

  it("is finished by sending the same change again: the stranded link moves to the listed approver", async () => {
    const response = await stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        ...validRegistration,
        villageCode: "3205011001",
        nik: "3205015507950602",
        fullName: "Pendaftar Terdampar",
      }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const oldLink = actionPath(
      await until(() => mailTo(OLD_LURAH, "Pendaftar Terdampar")[0], "the request to the old lurah"),
    );

    // The first attempt wrote the directory, then failed before moving anything.
    await putApprovers(KOTA_KULON, [NEW_LURAH], "psm@dinsos.garutkab.example.go.id");
    expect((await stack.app.request(oldLink)).status).toBe(200);

    // The officer sends the same list again: it removes nobody, and still moves the request.
    const retry = await putDirectory([NEW_LURAH], KOTA_KULON);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ movedRequests: 1 });
    const changes = await listDirectoryChanges(KOTA_KULON);
    expect(changes.at(-1)).toMatchObject({
      removed: [],
      moved: [
        { subjectId: id, step: "village-recommendation", holders: expect.stringContaining("Rahmat Hidayat") },
      ],
    });

    const gone = await stack.app.request(oldLink);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain("dialihkan kepada Rahmat Hidayat");
    const newRequest = mailTo(NEW_LURAH.email, "Pendaftar Terdampar")[0];
    expect(newRequest?.subject).toMatch(/^Dialihkan kepada Anda/);
    expect((await decide(actionPath(newRequest as { links: string[] }), "recommend")).status).toBe(200);
    await until(
      async () => ((await getRegistration(id))?.status === "candidate" ? true : undefined),
      "candidate",
    );

    // A third time: nothing is stranded any more, nothing moves.
    const again = await putDirectory([NEW_LURAH], KOTA_KULON);
    expect(await again.json()).toMatchObject({ movedRequests: 0 });
  });
});

describe("a directory change made in another container", () => {
  const HEAD_BEFORE = { name: "Kepala Desa Sebelum", email: "kades.sebelum@garutkab.example.go.id" };
  const HEAD_AFTER = { name: "Kepala Desa Sesudah", email: "kades.sesudah@garutkab.example.go.id" };

  async function register(nik: string, fullName: string) {
    const response = await stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...validRegistration, nik, fullName }),
    });
    expect(response.status).toBe(202);
  }

  it("is seen by this container's next ask, though its cache still holds the removed head", async () => {
    await putApprovers(VILLAGE, [HEAD_BEFORE], "test");
    await register("3205015507950611", "Pendaftar Sebelum");
    await until(() => mailTo(HEAD_BEFORE.email, "Pendaftar Sebelum")[0], "the request to the head before");

    // Another container replaces the head: the directory and its generation, nothing forgotten here.
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: peopleItem(VILLAGE, "approver", [HEAD_AFTER], "test", nowIso()),
            },
          },
          bumpDirectoryGeneration(),
        ],
      }),
    );
    // This container's cache is stale (what a lookup outside an ask still answers)…
    expect((await resolveDuty(VILLAGE, "village", "approver"))?.people).toEqual([HEAD_BEFORE]);

    // …but the next ask reads the generation with its subject and asks the head listed now.
    await register("3205015507950612", "Pendaftar Sesudah");
    await until(() => mailTo(HEAD_AFTER.email, "Pendaftar Sesudah")[0], "the request to the head after");
    expect(mailTo(HEAD_BEFORE.email, "Pendaftar Sesudah")).toEqual([]);
  });

  it("is announced by every change of who is reachable: a bounce and its lifting too", async () => {
    const generation = async () =>
      ((await db().send(new GetCommand({ TableName: tableName(), Key: directoryGenerationKey() }))).Item
        ?.generation as number | undefined) ?? 0;
    const before = await generation();
    await recordBounce(HEAD_AFTER.email, "bounce");
    expect(await generation()).toBe(before + 1);
    await clearSuppression(HEAD_AFTER.email);
    expect(await generation()).toBe(before + 2);
    await putApprovers(VILLAGE, [HEAD_AFTER], "test");
    expect(await generation()).toBe(before + 3);
  });
});
