/**
 * `npm start` as a user runs it: ready within 20 s with every dependency up, a stock SFN client can
 * drive it, the system check's mail lands in the outbox, SIGTERM leaves no process behind, and a
 * second start keeps the data.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../packages/local/src/dynamodb-local";
import { emulatorPids, type NpmStart, npmStart } from "./support/npm-start";

const dataDirectory = mkdtempSync(join(tmpdir(), "sigap-start-"));
const credentials = { accessKeyId: "local", secretAccessKey: "local" };
let ports: { api: number; dynamodb: number; stepFunctions: number };
let running: NpmStart | undefined;
const start = () => npmStart({ ports, dataDirectory });
const emulatorProcesses = () => emulatorPids(ports.dynamodb);

async function portIsClosed(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => false,
    () => true,
  );
}

afterAll(async () => {
  await running?.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe("npm start", () => {
  it("starts everything, serves the SFN API, delivers mail, stops cleanly and keeps data", {
    timeout: 120_000,
  }, async () => {
    ports = { api: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort() };
    const first = start();
    running = first;
    expect(await first.healthy()).toBeLessThan(20_000);

    const health = await (await fetch(`http://127.0.0.1:${ports.api}/health`)).json();
    expect(health).toMatchObject({
      status: "ok",
      dependencies: { dynamodb: { status: "up" }, stepfunctions: { status: "up" }, mail: { status: "up" } },
    });

    // A stock client lists the state machines, starts one, describes it and reads its history.
    const sfn = new SFNClient({
      endpoint: `http://127.0.0.1:${ports.stepFunctions}`,
      region: "ap-southeast-3",
      credentials,
    });
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    const systemCheck = stateMachines?.find((s) => s.name === "sigap-local-system-check");
    expect(systemCheck).toBeDefined();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: systemCheck?.stateMachineArn,
        name: "after-install",
        input: JSON.stringify({ to: "it@dinsos.example.go.id" }),
      }),
    );
    let status: string | undefined;
    for (let i = 0; i < 50 && status !== "SUCCEEDED"; i++) {
      status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
      if (status === "FAILED") throw new Error("system check failed");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe("SUCCEEDED");
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.at(-1)?.type).toBe("ExecutionSucceeded");
    sfn.destroy();

    const mail = (await (
      await fetch(`http://127.0.0.1:${ports.api}/_dev/mail`, { headers: { Accept: "application/json" } })
    ).json()) as Array<{
      to: string[];
      subject: string;
      text: string;
      html: string;
      links: string[];
      sentAt: string;
    }>;
    expect(mail[0]).toMatchObject({ to: ["it@dinsos.example.go.id"], subject: "SIGAP: uji sistem berhasil" });

    // Data written now must survive a restart.
    const dynamodb = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${ports.dynamodb}`,
        region: "ap-southeast-3",
        credentials,
      }),
    );
    await dynamodb.send(
      new PutCommand({ TableName: "sigap-local", Item: { pk: "KEEP#1", sk: "KEEP", note: "tetap" } }),
    );

    expect(emulatorProcesses()).toHaveLength(1);
    await first.stop();
    expect(emulatorProcesses()).toEqual([]);
    for (const port of Object.values(ports)) expect(await portIsClosed(port)).toBe(true);

    const second = start();
    running = second;
    await second.healthy();
    const kept = await dynamodb.send(
      new GetCommand({ TableName: "sigap-local", Key: { pk: "KEEP#1", sk: "KEEP" } }),
    );
    expect(kept.Item).toMatchObject({ note: "tetap" });
    // The outbox is kept too.
    const mailAfter = (await (
      await fetch(`http://127.0.0.1:${ports.api}/_dev/mail`, { headers: { Accept: "application/json" } })
    ).json()) as unknown[];
    expect(mailAfter).toHaveLength(mail.length);
    dynamodb.destroy();
    await second.stop();
    expect(emulatorProcesses()).toEqual([]);
  });

  it("stops everything when SIGTERM arrives during start-up", { timeout: 60_000 }, async () => {
    ports = { api: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort() };
    const starting = start();
    running = starting;
    const deadline = performance.now() + 30_000;
    while (emulatorProcesses().length === 0) {
      if (performance.now() > deadline || starting.child.exitCode !== null)
        throw new Error("the emulator never started");
      await new Promise((r) => setTimeout(r, 50));
    }
    await starting.stop();
    expect(emulatorProcesses()).toEqual([]);
    for (const port of Object.values(ports)) expect(await portIsClosed(port)).toBe(true);
  });
});
