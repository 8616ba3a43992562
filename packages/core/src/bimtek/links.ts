import { settings } from "../config/settings";
import { hashReceipt, linkCode, linkCodeMatches } from "../identity/protect";

/**
 * The secret links of the Bimtek domain, each derived from the id it opens (identity/protect.ts
 * `linkCode`): never stored, never logged, never in execution history, the same in every email.
 */

/** Every derived link code: 22 base64url characters (`linkCode`). */
export const LINK_CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

const ENROLMENT = "bimtek-enrolment";
const ATTENDANCE = "bimtek-attendance";
const CERTIFICATE = "bimtek-certificate";

/** The participant's own page: status, cancel, accept or decline an offered seat. */
export function enrolmentUrl(enrollmentId: string): string {
  const code = linkCode(ENROLMENT, enrollmentId);
  return `${settings().publicBaseUrl}/v1/bimtek/enrollments/${enrollmentId}?code=${code}`;
}
export const enrolmentCodeMatches = (enrollmentId: string, code: string) =>
  linkCodeMatches(ENROLMENT, enrollmentId, code);

/** The organisers' attendance page of one session (a checkbox per participant per day). */
export function attendanceUrl(sessionId: string): string {
  const code = linkCode(ATTENDANCE, sessionId);
  return `${settings().publicBaseUrl}/v1/bimtek/attendance/${sessionId}?code=${code}`;
}
export const attendanceCodeMatches = (sessionId: string, code: string) =>
  linkCodeMatches(ATTENDANCE, sessionId, code);

/** A certificate's verification code: public once shared, unguessable, derived from the enrolment. */
export const certificateCode = (enrollmentId: string) => linkCode(CERTIFICATE, enrollmentId);
/** The key a certificate is stored under: the code's keyed hash, so a leaked table yields no codes. */
export const certificateCodeHash = (code: string) => hashReceipt(`${CERTIFICATE}:${code}`);
export function certificateUrl(enrollmentId: string): string {
  return `${settings().publicBaseUrl}/v1/certificates/${certificateCode(enrollmentId)}`;
}
