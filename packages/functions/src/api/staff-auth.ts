import { settings } from "@sigap/core/config/settings";
import { AppError } from "@sigap/core/error";
import { type Staff, staffFromClaims } from "@sigap/core/staff/auth";
import { createMiddleware } from "hono/factory";
import { Jwt } from "hono/utils/jwt";

export type StaffEnv = { Variables: { staff: Staff } };

const unauthorized = (detail: string) => new AppError("unauthorized", "Perlu masuk sebagai petugas", detail);

/**
 * `Authorization: Bearer <JWT>` on every staff route. Locally an HS256 secret signs the tokens
 * (`npm run token`); in production the issuer's JWKS verifies them. Claims give role and region.
 */
export const requireStaff = createMiddleware<StaffEnv>(async (c, next) => {
  const header = c.req.header("Authorization") ?? "";
  const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) throw unauthorized("Sertakan header Authorization: Bearer <token>.");
  const { secret, jwksUrl, issuer } = settings().auth;
  const verification = issuer ? { iss: issuer } : {};
  let claims: unknown;
  try {
    if (jwksUrl) {
      claims = await Jwt.verifyWithJwks(token, {
        jwks_uri: jwksUrl,
        verification,
        allowedAlgorithms: ["RS256", "ES256"],
      });
    } else if (secret) {
      claims = await Jwt.verify(token, secret, { alg: "HS256", ...verification });
    } else {
      throw unauthorized("Autentikasi petugas belum dikonfigurasi.");
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unauthorized("Token tidak valid atau sudah kedaluwarsa. Silakan masuk kembali.");
  }
  c.set("staff", staffFromClaims(claims));
  await next();
});
