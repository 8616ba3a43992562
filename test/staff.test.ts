/** /v1/staff: authentication, region scoping, the access record and the approver directory. */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { tableName } from "@sigap/core/resources";
import { getApprovers } from "@sigap/core/staff/directory";
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
