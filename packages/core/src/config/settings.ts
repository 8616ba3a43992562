import * as v from "valibot";

/** Runtime settings read from the environment. Every key is documented in the README. */
const SettingsSchema = v.object({
  /** Multiplies every configured SLA/reminder duration; 0.00002 turns 3 days into ~5 s for demos. */
  SLA_SCALE: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.000001), v.maxValue(1000)),
    "1",
  ),
  /** `outbox` keeps mail in the local outbox; `ses` sends it through Amazon SES. */
  MAIL_TRANSPORT: v.optional(v.picklist(["ses", "outbox"]), "ses"),
  /** Where the local outbox is persisted (JSON lines); memory only when unset. */
  MAIL_OUTBOX_FILE: v.optional(v.string()),
  /** Base URL of the public API, used to build links in emails. */
  PUBLIC_BASE_URL: v.optional(v.pipe(v.string(), v.url()), "http://localhost:3000"),
  /** Who receives operational mail (system check, stalled work). */
  OPERATOR_EMAIL: v.optional(v.pipe(v.string(), v.email()), "operator@sigap.local"),
  /** Staff tokens: an HS256 secret (local), or an issuer's JWKS URL (production). */
  AUTH_JWT_SECRET: v.optional(v.pipe(v.string(), v.minLength(32))),
  AUTH_JWKS_URL: v.optional(v.pipe(v.string(), v.url())),
  AUTH_ISSUER: v.optional(v.string()),
  /** AWS SDK limits (see aws-clients.ts); 0 turns one off, which only fake-clock tests want. */
  AWS_CONNECT_TIMEOUT_MS: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(0)),
    "1000",
  ),
  AWS_REQUEST_TIMEOUT_MS: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(0)),
    "3000",
  ),
  /** Production: the audience staff tokens must be issued for (the API's client/resource id). */
  AUTH_AUDIENCE: v.optional(v.string()),
  /**
   * The longest a staff token may live, in hours (from `iat`, and from now). 12 covers one long
   * working day, so no officer is asked to sign in again mid-shift, while a leaked token is
   * useless by the next day; identity providers issue shorter tokens, which pass.
   */
  AUTH_MAX_TOKEN_HOURS: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.01), v.maxValue(24)),
    "12",
  ),
});

export type Settings = {
  slaScale: number;
  mailTransport: "ses" | "outbox";
  mailOutboxFile: string | undefined;
  publicBaseUrl: string;
  operatorEmail: string;
  auth: {
    secret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    maxTokenLifetimeSeconds: number;
  };
  aws: { connectTimeoutMs: number; requestTimeoutMs: number };
};

export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = v.parse(SettingsSchema, {
    SLA_SCALE: env.SLA_SCALE || undefined,
    MAIL_TRANSPORT: env.MAIL_TRANSPORT || undefined,
    MAIL_OUTBOX_FILE: env.MAIL_OUTBOX_FILE || undefined,
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL || undefined,
    OPERATOR_EMAIL: env.OPERATOR_EMAIL || undefined,
    AUTH_JWT_SECRET: env.AUTH_JWT_SECRET || undefined,
    AUTH_JWKS_URL: env.AUTH_JWKS_URL || undefined,
    AUTH_ISSUER: env.AUTH_ISSUER || undefined,
    AUTH_AUDIENCE: env.AUTH_AUDIENCE || undefined,
    AUTH_MAX_TOKEN_HOURS: env.AUTH_MAX_TOKEN_HOURS || undefined,
    AWS_CONNECT_TIMEOUT_MS: env.AWS_CONNECT_TIMEOUT_MS || undefined,
    AWS_REQUEST_TIMEOUT_MS: env.AWS_REQUEST_TIMEOUT_MS || undefined,
  });
  return {
    slaScale: parsed.SLA_SCALE,
    mailTransport: parsed.MAIL_TRANSPORT,
    mailOutboxFile: parsed.MAIL_OUTBOX_FILE,
    publicBaseUrl: parsed.PUBLIC_BASE_URL.replace(/\/+$/, ""),
    operatorEmail: parsed.OPERATOR_EMAIL,
    auth: {
      ...(parsed.AUTH_JWT_SECRET ? { secret: parsed.AUTH_JWT_SECRET } : {}),
      ...(parsed.AUTH_JWKS_URL ? { jwksUrl: parsed.AUTH_JWKS_URL } : {}),
      ...(parsed.AUTH_ISSUER ? { issuer: parsed.AUTH_ISSUER } : {}),
      ...(parsed.AUTH_AUDIENCE ? { audience: parsed.AUTH_AUDIENCE } : {}),
      maxTokenLifetimeSeconds: Math.round(parsed.AUTH_MAX_TOKEN_HOURS * 3600),
    },
    aws: { connectTimeoutMs: parsed.AWS_CONNECT_TIMEOUT_MS, requestTimeoutMs: parsed.AWS_REQUEST_TIMEOUT_MS },
  };
}

let cached: Settings | undefined;

/** Settings of this process, read once. */
export function settings(): Settings {
  cached ??= readSettings();
  return cached;
}
