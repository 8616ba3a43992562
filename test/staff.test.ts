/** /v1/staff: authentication, region scoping, the access record and the approver directory. */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { sendMail } from "@sigap/core/mail/send";
import { isSuppressed } from "@sigap/core/mail/suppression";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { tableName } from "@sigap/core/resources";
import {
  getApprovers,
  getPeople,
  putPeople,
  resolveApprovers,
  resolveDuty,
} from "@sigap/core/staff/directory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { staffToken } from "./support/staff-token";

let stack: AppStack;
let garutId: string;
let bandungId: string;

async function call(path: string, bearer: string | undefined, init: RequestInit = {}) {
  return stack.app.request(path, {
    ...init,
    headers: { "Content-Type": "application/json", ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
  });
}

async function register(nik: string, villageCode: string, birth: string): Promise<string> {
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...validRegistration, nik, villageCode, birthDate: birth }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  stack = await startAppStack();
  garutId = await register("3205015507950301", "32.05.22.2001", "1995-07-15");
  bandungId = await register("3204055507950302", "32.04.05.2001", "1995-07-15");
});
afterAll(() => stack.close());

describe("staff authentication", () => {
  it("refuses a missing, forged or expired token with a 401 problem", async () => {
    for (const bearer of [
      undefined,
      "not-a-jwt",
      await staffToken("district", "32.05", {}, "another-secret-another-secret-another-secret"),
      await staffToken("district", "32.05", { exp: Math.floor(Date.now() / 1000) - 60 }),
    ]) {
      const response = await call("/v1/staff/registrations", bearer);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("refuses a role whose region is of the wrong level", async () => {
    expect(
      (await call("/v1/staff/registrations", await staffToken("district", "32.05.22.2001"))).status,
    ).toBe(401);
  });
});

describe("region scoping", () => {
  it("lists only what is inside the caller's region", async () => {
    const list = async (role: string, region: string) => {
      const response = await call("/v1/staff/registrations", await staffToken(role, region));
      const body = (await response.json()) as { items: Array<{ id: string }> };
      expect(response.status, `${role} ${region}: ${JSON.stringify(body)}`).toBe(200);
      return body.items.map((i) => i.id);
    };
    expect(await list("district", "32.05")).toEqual([garutId]);
    expect(await list("district", "32.04")).toEqual([bandungId]);
    expect((await list("province", "32")).sort()).toEqual([garutId, bandungId].sort());
    expect(await list("village", "32.05.22.2001")).toEqual([garutId]);
    expect((await list("admin", "32")).sort()).toEqual([garutId, bandungId].sort());
  });

  it("filters by status and refuses an unknown one", async () => {
    const bearer = await staffToken("district", "32.05");
    const active = (await (await call("/v1/staff/registrations?status=active", bearer)).json()) as {
      items: unknown[];
    };
    expect(active.items).toEqual([]);
    expect((await call("/v1/staff/registrations?status=bogus", bearer)).status).toBe(422);
  });

  it("answers 404 outside the region, for reading and for acting", async () => {
    const bandung = await staffToken("district", "32.04");
    expect((await call(`/v1/staff/registrations/${garutId}`, bandung)).status).toBe(404);
    expect(
      (
        await call(`/v1/staff/registrations/${garutId}/training-completions`, bandung, {
          method: "POST",
          body: "{}",
        })
      ).status,
    ).toBe(404);
    expect((await call(`/v1/staff/registrations?region=32.05`, bandung)).status).toBe(404);
  });

  it("shows details inside the region and records who read them", async () => {
    const response = await call(`/v1/staff/registrations/${garutId}`, await staffToken("district", "32.05"));
    expect(response.status).toBe(200);
    const detail = (await response.json()) as Record<string, unknown>;
    expect(detail.nikMasked).toBe("3205********0301");
    expect(JSON.stringify(detail)).not.toContain("3205015507950301");
    const { Items } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :access)",
        ExpressionAttributeValues: { ":pk": `REG#${garutId}`, ":access": "ACCESS#" },
      }),
    );
    expect(Items).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: "district-32.05" }) }),
    ]);
  });

  it("refuses a training completion on a day that does not exist or has not come yet (422)", async () => {
    for (const [completedAt, message] of [
      ["2026-02-30", "Tanggal selesai harus tanggal yang ada, berformat TTTT-BB-HH."],
      ["2099-01-01", "Tanggal selesai tidak boleh di masa depan."],
    ]) {
      const response = await call(
        `/v1/staff/registrations/${garutId}/training-completions`,
        await staffToken("district", "32.05"),
        { method: "POST", body: JSON.stringify({ completedAt }) },
      );
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ errors: [{ field: "completedAt", message }] });
    }
  });

  it("refuses a training completion for a registration not waiting for it (409)", async () => {
    const response = await call(
      `/v1/staff/registrations/${garutId}/training-completions`,
      await staffToken("district", "32.05"),
      {
        method: "POST",
        body: "{}",
      },
    );
    expect(response.status).toBe(409);
  });
});

describe("approver directory", () => {
  const approvers = [{ name: "Kepala Desa Simpang", email: "Kades.Simpang@garutkab.example.go.id" }];

  it("lets a district officer set approvers inside the kabupaten", async () => {
    const response = await call("/v1/staff/directory/3205222002", await staffToken("district", "32.05"), {
      method: "PUT",
      body: JSON.stringify({ approvers }),
    });
    expect(response.status).toBe(200);
    expect(await getApprovers("32.05.22.2002")).toEqual([
      { name: "Kepala Desa Simpang", email: "kades.simpang@garutkab.example.go.id" },
    ]);
  });

  it("refuses other regions (404), village heads (403) and bad input (422)", async () => {
    const body = JSON.stringify({ approvers });
    expect(
      (
        await call("/v1/staff/directory/32.04.05.2001", await staffToken("district", "32.05"), {
          method: "PUT",
          body,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call("/v1/staff/directory/32.05.22.2001", await staffToken("village", "32.05.22.2001"), {
          method: "PUT",
          body,
        })
      ).status,
    ).toBe(403);
    const invalid = await call("/v1/staff/directory/32.05.22.2003", await staffToken("district", "32.05"), {
      method: "PUT",
      body: JSON.stringify({ approvers: [{ name: "X", email: "bukan-email" }] }),
    });
    expect(invalid.status).toBe(422);
    expect(
      ((await invalid.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field),
    ).toEqual(["approvers.0.name", "approvers.0.email"]);
    expect(
      (
        await call("/v1/staff/directory/32.05.22", await staffToken("district", "32.05"), {
          method: "PUT",
          body,
        })
      ).status,
    ).toBe(422);
  });
});

describe("directory by duty", () => {
  const officer = () => staffToken("district", "32.05");
  const ppa = [{ name: "Unit PPA Garut", email: "ppa.baru@garutkab.example.go.id", title: "UPTD PPA" }];

  it("keeps PUT and GET meaning approver, and names another duty with ?duty=", async () => {
    const approverView = await call("/v1/staff/directory/32.05", await officer());
    expect(approverView.status).toBe(200);
    expect(await approverView.json()).toMatchObject({
      level: "district",
      duty: "approver",
      approvers: [{ email: "psm@dinsos.garutkab.example.go.id" }],
      people: [{ email: "psm@dinsos.garutkab.example.go.id" }],
    });
    // The seed lists Garut's UPTD PPA.
    const seeded = await call("/v1/staff/directory/32.05?duty=ppa", await officer());
    const seededBody = await seeded.json();
    expect(seededBody).toMatchObject({ duty: "ppa", people: [{ email: "uptdppa@garutkab.example.go.id" }] });
    expect(seededBody).not.toHaveProperty("approvers");

    // A district officer cannot make themselves the PPA unit (it receives violence cases in full);
    // the province can, and so can the unit itself.
    const byOfficer = await call("/v1/staff/directory/3205?duty=ppa", await officer(), {
      method: "PUT",
      body: JSON.stringify({ people: [{ name: "Petugas Dinsos", email: "petugas@example.go.id" }] }),
    });
    expect(byOfficer.status).toBe(403);
    expect(await getPeople("32.05", "ppa")).toMatchObject([{ email: "uptdppa@garutkab.example.go.id" }]);
    const put = await call("/v1/staff/directory/3205?duty=ppa", await staffToken("province", "32"), {
      method: "PUT",
      body: JSON.stringify({ people: ppa }),
    });
    expect(put.status).toBe(200);
    expect(await getPeople("32.05", "ppa")).toEqual(ppa);
    // The approvers are untouched.
    expect((await getApprovers("32.05")).map((a) => a.email)).toEqual(["psm@dinsos.garutkab.example.go.id"]);
  });

  it("refuses an unknown duty and a PPA unit anywhere but a kabupaten (422, in Bahasa Indonesia)", async () => {
    const unknown = await call("/v1/staff/directory/32.05?duty=lurah", await officer());
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({
      title: "Tugas tidak dikenal",
      errors: [{ field: "duty", message: "Tugas tidak dikenal." }],
    });
    for (const code of ["32.05.22.2001", "32"]) {
      const token = code === "32" ? await staffToken("province", "32") : await officer();
      const response = await call(`/v1/staff/directory/${code}?duty=ppa`, token, {
        method: "PUT",
        body: JSON.stringify({ people: ppa }),
      });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { detail: string }).detail).toContain("kabupaten/kota");
    }
  });

  it("lets a duty other than approver be emptied, so its fallback acts; approvers never", async () => {
    const emptied = await call("/v1/staff/directory/32.05.01.1001?duty=case-handler", await officer(), {
      method: "PUT",
      body: JSON.stringify({ people: [] }),
    });
    expect(emptied.status).toBe(200);
    expect(await resolveDuty("32.05.01.1001", "village", "case-handler")).toMatchObject({
      duty: "approver",
      fellBack: true,
      people: [{ email: "lurah.kotakulon@garutkab.example.go.id" }],
    });
    const noApprover = await call("/v1/staff/directory/32.05.01.1001", await officer(), {
      method: "PUT",
      body: JSON.stringify({ approvers: [] }),
    });
    expect(noApprover.status).toBe(422);
  });

  it("reads an approver entry stored before duties existed", async () => {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          pk: "DIRECTORY#32.04.05.2002",
          sk: "APPROVERS",
          entity: "directory",
          regionCode: "32.04.05.2002",
          approvers: [{ name: "Kepala Desa Lama", email: "lama@bandungkab.example.go.id" }],
          updatedAt: "2026-01-01T00:00:00.000Z",
          updatedBy: "seed",
        },
      }),
    );
    expect(await getPeople("32.04.05.2002", "approver")).toEqual([
      { name: "Kepala Desa Lama", email: "lama@bandungkab.example.go.id" },
    ]);
    expect(await resolveDuty("32.04.05.2002", "village", "approver")).toMatchObject({
      regionCode: "32.04.05.2002",
      fellBack: false,
    });
  });
});

describe("resolveDuty", () => {
  const village = "32.05.22.2001"; // Desa Cikajang: no case handler in the seed
  const kotaKulon = "32.05.01.1001";

  it("gives exactly the asked level's people for each duty, or the duty's fallback", async () => {
    expect(await resolveDuty(village, "village", "approver")).toEqual({
      people: [
        {
          name: "Dedi Mulyadi",
          email: "kades.cikajang@garutkab.example.go.id",
          title: "Kepala Desa Cikajang",
        },
      ],
      level: "village",
      regionCode: village,
      duty: "approver",
      fellBack: false,
    });
    // A case handler of their own, or the village head.
    await putPeople(
      kotaKulon,
      "case-handler",
      [{ name: "Iwan Setiawan", email: "kesos.kk@garutkab.example.go.id" }],
      "test",
    );
    expect(await resolveDuty(kotaKulon, "village", "case-handler")).toMatchObject({
      duty: "case-handler",
      fellBack: false,
      people: [{ email: "kesos.kk@garutkab.example.go.id" }],
    });
    expect(await resolveDuty(village, "village", "case-handler")).toMatchObject({
      duty: "approver",
      fellBack: true,
      people: [{ email: "kades.cikajang@garutkab.example.go.id" }],
    });
    // The district's TPTD handles cases there; the province has no handler, so its officer does.
    expect(await resolveDuty(village, "district", "case-handler")).toMatchObject({
      regionCode: "32.05",
      duty: "case-handler",
      people: [{ email: "tptd@dinsos.garutkab.example.go.id" }],
    });
    expect(await resolveDuty(village, "province", "case-handler")).toMatchObject({
      regionCode: "32",
      duty: "approver",
      fellBack: true,
    });
    // The PPA unit lives on the kabupaten; Bandung has none, so its district officer stands in.
    expect(await resolveDuty("32.04.05.2001", "district", "ppa")).toMatchObject({
      regionCode: "32.04",
      level: "district",
      duty: "approver",
      fellBack: true,
      people: [{ email: "psm@dinsos.bandungkab.example.go.id" }],
    });
    expect(await resolveDuty(village, "province", "bimtek-organiser")).toMatchObject({
      regionCode: "32",
      duty: "approver",
      fellBack: true,
    });
    expect(await resolveDuty(village, "district", "bimtek-organiser")).toMatchObject({
      duty: "bimtek-organiser",
      people: [{ email: "bimtek@dinsos.garutkab.example.go.id" }],
    });
  });

  it("answers undefined for a level with nobody listed, never someone of another level", async () => {
    // Nobody is listed for 32.05.22.2004.
    expect(await resolveDuty("32.05.22.2004", "village", "approver")).toBeUndefined();
    expect(await resolveDuty("32.05.22.2004", "village", "case-handler")).toBeUndefined();
    // resolveApprovers (recruitment) still walks up to the district.
    expect(await resolveApprovers("32.05.22.2004", "village")).toMatchObject({
      level: "district",
      fellBack: true,
    });
  });

  it("counts an address that bounced as nobody listed", async () => {
    const desa = "32.04.05.2003";
    const head = { name: "Kepala Desa Pantul", email: "pantul@bandungkab.example.go.id" };
    const deputy = { name: "Sekretaris Desa", email: "sekdes.pantul@bandungkab.example.go.id" };
    await putPeople(desa, "approver", [head, deputy], "test");
    await putPeople(
      desa,
      "case-handler",
      [{ name: "Penangan Tunggal", email: "Bounce@Simulator.AmazonSES.com" }],
      "test",
    );

    // The SES mailbox simulator's bounce address bounces in the local outbox too.
    await sendMail({
      to: ["bounce@simulator.amazonses.com"],
      subject: "Uji",
      text: "Uji",
      html: "<p>Uji</p>",
    });
    expect(await isSuppressed("bounce@simulator.amazonses.com")).toBe(true);
    expect(await resolveDuty(desa, "village", "case-handler")).toMatchObject({
      duty: "approver",
      fellBack: true,
      people: [head, deputy],
    });

    // Any address a test marks bounces once mail is sent to it.
    outbox().simulateFeedback(head.email);
    await sendMail({ to: [head.email], subject: "Uji", text: "Uji", html: "<p>Uji</p>" });
    expect((await resolveDuty(desa, "village", "approver"))?.people).toEqual([deputy]);
    outbox().simulateFeedback(deputy.email, "complaint");
    await sendMail({ to: [deputy.email], subject: "Uji", text: "Uji", html: "<p>Uji</p>" });
    expect(await resolveDuty(desa, "village", "approver")).toBeUndefined();
    // Nobody reachable at the village: recruitment's walk goes on to the district.
    expect(await resolveApprovers(desa, "village")).toMatchObject({ level: "district", regionCode: "32.04" });
  });
});
