import { Jwt } from "hono/utils/jwt";
import { LOCAL_JWT_SECRET } from "../../packages/local/src/environment";

/**
 * A staff token as `npm run token` issues it: signed with the local secret, valid for an hour.
 * `extra` adds or overrides claims (a missing `exp`, another email); `secret` forges one.
 */
export function staffToken(
  role: string,
  region: string,
  extra: Record<string, unknown> = {},
  secret = LOCAL_JWT_SECRET,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return Jwt.sign(
    {
      sub: `${role}-${region}`,
      email: `${role}@example.go.id`,
      role,
      region,
      iat: now,
      exp: now + 3600,
      ...extra,
    },
    secret,
    "HS256",
  );
}
