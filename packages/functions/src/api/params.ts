import { ACTION_ID_PATTERN } from "@sigap/core/action/keys";
import { ENROLLMENT_ID_PATTERN, SESSION_ID_PATTERN } from "@sigap/core/bimtek/keys";
import { LINK_CODE_PATTERN } from "@sigap/core/bimtek/links";
import { CASE_ID_PATTERN } from "@sigap/core/case/keys";
import { REGISTRATION_ID_PATTERN } from "@sigap/core/registration/keys";
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import * as v from "valibot";

/**
 * Every path parameter and query value the API reads, checked here before it can reach the
 * database: a DynamoDB key over 2 KB is a 500 from DynamoDB, and a shape that can never exist need
 * not cost a read. A value of the wrong shape answers exactly as an unknown one does, so the
 * answer reveals nothing about which ids exist.
 */

/** Registration ids (see `REGISTRATION_ID_PATTERN`). */
export const RegistrationId = v.pipe(v.string(), v.regex(REGISTRATION_ID_PATTERN));

/** Case ids (see `CASE_ID_PATTERN`). */
export const CaseId = v.pipe(v.string(), v.regex(CASE_ID_PATTERN));

/** Action ids, the secret in each email link (see `ACTION_ID_PATTERN`). */
export const ActionId = v.pipe(v.string(), v.regex(ACTION_ID_PATTERN));

/** Bimtek session and enrolment ids (see `SESSION_ID_PATTERN`, `ENROLLMENT_ID_PATTERN`). */
export const SessionId = v.pipe(v.string(), v.regex(SESSION_ID_PATTERN));
export const EnrollmentId = v.pipe(v.string(), v.regex(ENROLLMENT_ID_PATTERN));

/** A derived link code (Bimtek enrolment and attendance pages), the secret in the link. */
export const LinkCode = v.pipe(v.string(), v.regex(LINK_CODE_PATTERN));

/** A region code as people write it (`32.05.22.2001`, `3205222001`); its existence is checked where used. */
export const RegionCode = v.pipe(v.string(), v.regex(/^[\d. ]{1,20}$/));

/** A receipt code as people type it (`ABCD-2345`, lower case, spaces): bounded, then compared. */
export const ReceiptCode = v.pipe(v.string(), v.maxLength(32));

/** A case's tracking code, typed like a receipt code. */
export const TrackingCode = ReceiptCode;

/** A list's page cursor: opaque, bounded (it is opened and checked by the pagination helper). */
export const PageCursor = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,2048}$/));

type ParamSchemas = Record<string, v.GenericSchema<string, string>>;

/**
 * Route middleware that checks the named path parameters (and, with `query`, query values when
 * present) and answers with `onInvalid` when one does not fit: the route's own "not found".
 */
export function validParams(
  params: ParamSchemas,
  onInvalid: (c: Context) => Response | Promise<Response>,
  query: ParamSchemas = {},
): MiddlewareHandler {
  return createMiddleware(async (c, next) => {
    for (const [name, schema] of Object.entries(params)) {
      if (!v.is(schema, c.req.param(name))) return onInvalid(c);
    }
    for (const [name, schema] of Object.entries(query)) {
      const value = c.req.query(name);
      if (value !== undefined && !v.is(schema, value)) return onInvalid(c);
    }
    await next();
  });
}
