import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { ListStateMachinesCommand } from "@aws-sdk/client-sfn";
import { settings } from "@sigap/core/config/settings";
import { db } from "@sigap/core/db/client";
import { logger } from "@sigap/core/log";
import { ses } from "@sigap/core/mail/send";
import { tableName } from "@sigap/core/resources";
import { sfn } from "@sigap/core/workflow/client";
import { Hono } from "hono";

type DependencyState = { status: "up" } | { status: "down"; error: string };
type Probe = (signal: AbortSignal) => Promise<unknown>;

/** A probe that takes longer than this counts as down. */
const CHECK_TIMEOUT_MS = 2000;
/** How long an answer is reused: long enough that load does not multiply probes, short enough to follow. */
const UP_FOR_MS = 5000;
const DOWN_FOR_MS = 1000;

/**
 * One dependency's state, probed at most once per cache period however many requests ask: every
 * request arriving while a probe runs shares it. Each dependency is cached and probed on its own,
 * so a slow one neither delays nor fails the others.
 */
class CachedCheck {
  private last: { state: DependencyState; until: number } | undefined;
  private inFlight: Promise<DependencyState> | undefined;
  /** Bumped by forget(): a probe started before it must not refill the cache. */
  private generation = 0;

  constructor(
    private readonly probe: Probe,
    private readonly upForMs: () => number = () => UP_FOR_MS,
  ) {}

  state(): Promise<DependencyState> {
    if (this.last && performance.now() < this.last.until) return Promise.resolve(this.last.state);
    if (!this.inFlight) {
      const generation = this.generation;
      const probing = check(this.probe).then((state) => {
        if (generation === this.generation) {
          this.last = {
            state,
            until: performance.now() + (state.status === "up" ? this.upForMs() : DOWN_FOR_MS),
          };
          this.inFlight = undefined;
        }
        return state;
      });
      this.inFlight = probing;
    }
    return this.inFlight;
  }

  forget(): void {
    this.generation++;
    this.last = undefined;
    this.inFlight = undefined;
  }
}

async function check(probe: Probe): Promise<DependencyState> {
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  try {
    await probe(signal);
    return { status: "up" };
  } catch (error) {
    // /health is public: it names the kind of failure only; the details (paths, account state) go to the log.
    logger.warn("Health probe failed", { error: error instanceof Error ? error : String(error) });
    return { status: "down", error: error instanceof Error ? error.name : "Error" };
  }
}

/**
 * Mail is probed for real: the outbox by checking that its file's folder is writable (memory-only
 * outboxes are always up), SES by GetAccount, which also says whether sending is enabled (cached
 * for a minute: SES allows about one GetAccount per second per account).
 */
async function probeMail(abortSignal: AbortSignal): Promise<void> {
  const config = settings();
  if (config.mailTransport === "outbox") {
    if (!config.mailOutboxFile) return;
    const folder = dirname(config.mailOutboxFile);
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
    return;
  }
  const { GetAccountCommand } = await import("@aws-sdk/client-sesv2");
  const account = await (await ses()).send(new GetAccountCommand({}), { abortSignal });
  if (account.SendingEnabled === false) throw new Error("SES sending is disabled for this account");
}

const checks = {
  dynamodb: new CachedCheck((abortSignal) =>
    db().send(new DescribeTableCommand({ TableName: tableName() }), { abortSignal }),
  ),
  stepfunctions: new CachedCheck((abortSignal) =>
    sfn().send(new ListStateMachinesCommand({ maxResults: 1 }), { abortSignal }),
  ),
  mail: new CachedCheck(probeMail, () => (settings().mailTransport === "ses" ? 60_000 : UP_FOR_MS)),
};

/**
 * Drops every cached state, so the next /health probes afresh. The local stack calls it when it sees
 * DynamoDB Local exit or come back, so /health follows at once instead of after the cache period.
 */
export function forgetDependencyStates(): void {
  for (const c of Object.values(checks)) c.forget();
}

/** `GET /health`: 200 when every dependency answers, 503 naming the one that does not. */
export const health = new Hono().get("/", async (c) => {
  const [dynamodb, stepfunctions, mail] = await Promise.all([
    checks.dynamodb.state(),
    checks.stepfunctions.state(),
    checks.mail.state(),
  ]);
  const dependencies = {
    dynamodb,
    stepfunctions,
    mail: { ...mail, transport: settings().mailTransport },
  };
  const healthy = Object.values(dependencies).every((d) => d.status === "up");
  c.header("Cache-Control", "no-store");
  // A down state is re-probed after DOWN_FOR_MS: asking again sooner learns nothing new.
  if (!healthy) c.header("Retry-After", String(Math.ceil(DOWN_FOR_MS / 1000)));
  return c.json({ status: healthy ? "ok" : "degraded", dependencies }, healthy ? 200 : 503);
});
