import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { piiSecret } from "../resources";

/**
 * Personal data at rest (UU PDP 27/2022): a NIK is kept as a keyed hash (to enforce one registration
 * per NIK without storing it) and encrypted (AES-256-GCM) for the verifying officer. Both keys are
 * derived from one secret, so a leaked table alone reveals no NIK.
 */
let keys:
  | { hash: Buffer; receipt: Buffer; submission: Buffer; email: Buffer; encryption: Buffer; link: Buffer }
  | undefined;

function derivedKeys() {
  if (!keys) {
    const secret = piiSecret();
    if (secret.length < 32) throw new Error("PiiSecret must be at least 32 characters");
    const derive = (purpose: string) => Buffer.from(hkdfSync("sha256", secret, "sigap", purpose, 32));
    // One label per purpose: a receipt hash can never be confused with (or tested as) a NIK hash.
    keys = {
      hash: derive("nik-hash"),
      receipt: derive("receipt-hash"),
      submission: derive("submission-hash"),
      email: derive("email-hash"),
      encryption: derive("pii-encryption"),
      link: derive("link-code"),
    };
  }
  return keys;
}

/** The same NIK always gives the same hash; without the secret it cannot be reversed or guessed. */
export function hashNik(nik: string): string {
  return createHmac("sha256", derivedKeys().hash).update(nik).digest("base64url");
}

/**
 * The verifier of a receipt code: without the secret, a leaked table gives no way to test guesses
 * (an unkeyed hash of a short code could be reversed by trying every code).
 */
export function hashReceipt(normalizedCode: string): string {
  return createHmac("sha256", derivedKeys().receipt).update(normalizedCode).digest("base64url");
}

/**
 * A fingerprint of a whole submission (every field, keys sorted), so a resubmission of exactly the
 * same data can be recognised without keeping it twice; keyed, so it cannot be tested offline.
 */
export function hashSubmission(fields: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(fields)
      .sort()
      .map((key) => [key, fields[key]]),
  );
  return createHmac("sha256", derivedKeys().submission).update(canonical).digest("base64url");
}

/** An email address (lower-cased) as a keyed hash: a key that names an address without storing it. */
export function hashEmail(address: string): string {
  return createHmac("sha256", derivedKeys().email).update(address.trim().toLowerCase()).digest("base64url");
}

/**
 * A secret link code derived from what it opens (`purpose` and the record's id): unguessable without
 * the secret, never stored, and the same every time, so a retried email carries the same link.
 * 128 bits, base64url.
 */
export function linkCode(purpose: string, id: string): string {
  return createHmac("sha256", derivedKeys().link).update(`${purpose}:${id}`).digest("base64url").slice(0, 22);
}

/** Does `code` open `purpose` of `id`? In constant time. */
export function linkCodeMatches(purpose: string, id: string, code: string): boolean {
  const expected = Buffer.from(linkCode(purpose, id));
  const given = Buffer.from(code);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function encrypt(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derivedKeys().encryption, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    "v1",
    iv.toString("base64url"),
    body.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
  ].join(".");
}

export function decrypt(sealed: string): string {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== "v1" || !iv || !body || !tag) throw new Error("Unrecognised sealed value");
  const decipher = createDecipheriv("aes-256-gcm", derivedKeys().encryption, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
