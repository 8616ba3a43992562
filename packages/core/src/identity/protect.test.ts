import { describe, expect, it } from "vitest";
import { decrypt, encrypt, hashNik } from "./protect";

describe("personal data protection", () => {
  it("hashes a NIK the same way every time, without revealing it", () => {
    const hash = hashNik("3205015507950002");
    expect(hash).toBe(hashNik("3205015507950002"));
    expect(hash).not.toBe(hashNik("3205015507950003"));
    expect(hash).not.toContain("3205015507950002");
  });

  it("encrypts with a fresh IV each time and decrypts back", () => {
    const a = encrypt("3205015507950002");
    const b = encrypt("3205015507950002");
    expect(a).not.toBe(b);
    expect(a).not.toContain("3205015507950002");
    expect(decrypt(a)).toBe("3205015507950002");
  });

  it("refuses a tampered value", () => {
    const sealed = encrypt("3205015507950002");
    const [v, iv, body, tag] = sealed.split(".");
    const flipped = `${v}.${iv}.${body?.startsWith("A") ? "B" : "A"}${body?.slice(1)}.${tag}`;
    expect(() => decrypt(flipped)).toThrow();
  });
});
