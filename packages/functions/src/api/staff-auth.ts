import { now } from "@sigap/core/clock";
import { type Settings, settings } from "@sigap/core/config/settings";
import { AppError } from "@sigap/core/error";
import { logger } from "@sigap/core/log";
import { type Staff, staffFromClaims } from "@sigap/core/staff/auth";
import { createMiddleware } from "hono/factory";
import { Jwt } from "hono/utils/jwt";
import { jwksCache } from "./jwks";

export type StaffEnv = { Variables: { staff: Staff } };

const unauthorized = (detail: string) => new AppError("unauthorized", "Perlu masuk sebagai petugas", detail);
const invalidToken = () => unauthorized("Token tidak valid atau sudah kedaluwarsa. Silakan masuk kembali.");

/**
 * A token must say when it ends, and not later than the configured lifetime after it was issued
 * (nor after now): a token that never expires, once leaked, works forever.
 */
function assertLifetime(claims: { exp?: unknown; iat?: unknown }, maxSeconds: number): void {
  const nowSeconds = Math.floor(now().getTime() / 1000);
  if (typeof claims.exp !== "number") throw unauthorized("Token harus memiliki masa berlaku (exp).");
  const issuedAt = typeof claims.iat === "number" ? claims.iat : nowSeconds;
  if (claims.exp - issuedAt > maxSeconds || claims.exp - nowSeconds > maxSeconds) {
    throw unauthorized(
      `Masa berlaku token terlalu panjang (maksimal ${Math.round(maxSeconds / 360) / 10} jam). Silakan masuk kembali.`,
    );
  }
}

async function verifiedClaims(token: string, auth: Settings["auth"]): Promise<Record<string, unknown>> {
  if (auth.jwksUrl) {
    // Production must name both: a token from the same provider for another app must not pass.
    if (!auth.issuer || !auth.audience) {
      logger.error("AUTH_JWKS_URL is set without AUTH_ISSUER and AUTH_AUDIENCE; refusing staff tokens");
      throw unauthorized("Autentikasi petugas belum dikonfigurasi.");
    }
    let kid: string | undefined;
    try {
      kid = Jwt.decode(token).header.kid;
    } catch {
      throw invalidToken();
    }
    const keys = await jwksCache(auth.jwksUrl)
      .keysFor(kid)
      .catch(() => {
        // Only before the first good fetch: afterwards the last good keys keep serving.
        // The identity provider is down, not the token bad: a 503 the officer can retry.
        throw new AppError(
          "unavailable",
          "Layanan sedang tidak tersedia",
          "Kunci verifikasi penyedia identitas belum dapat diambil. Coba lagi beberapa saat lagi.",
        );
      });
    return Jwt.verifyWithJwks(token, {
      keys,
      verification: { iss: auth.issuer, aud: auth.audience },
      allowedAlgorithms: ["RS256", "ES256"],
    }).catch(() => {
      throw invalidToken();
    });
  }
  if (auth.secret) {
    return Jwt.verify(token, auth.secret, {
      alg: "HS256",
      ...(auth.issuer ? { iss: auth.issuer } : {}),
      ...(auth.audience ? { aud: auth.audience } : {}),
    }).catch(() => {
      throw invalidToken();
    });
  }
  throw unauthorized("Autentikasi petugas belum dikonfigurasi.");
}

/**
 * `Authorization: Bearer <JWT>` on every staff route. Locally an HS256 secret signs the tokens
 * (`npm run token`); in production the issuer's JWKS verifies them, with issuer and audience
 * checked. Claims give role and region.
 */
export function staffAuthentication(auth: () => Settings["auth"]) {
  return createMiddleware<StaffEnv>(async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw unauthorized("Sertakan header Authorization: Bearer <token>.");
    const config = auth();
    const claims = await verifiedClaims(token, config);
    assertLifetime(claims, config.maxTokenLifetimeSeconds);
    c.set("staff", staffFromClaims(claims));
    await next();
  });
}

export const requireStaff = staffAuthentication(() => settings().auth);
