// API key format: `osp_` + 43 base64url characters (32 random bytes); a lookup prefix and a keyed hash.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const KEY_PREFIX = "osp_";
/** Characters of a key kept in clear for lookup and for `keys list` (the `osp_` part plus 8). */
const LOOKUP_LENGTH = KEY_PREFIX.length + 8;
const KEY_SHAPE = /^osp_[A-Za-z0-9_-]{43}$/;

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

export function looksLikeKey(text: string): boolean {
  return KEY_SHAPE.test(text);
}

export function lookupPrefix(key: string): string {
  return key.slice(0, LOOKUP_LENGTH);
}

/** HMAC-SHA256 with the server secret: microseconds per check, useless to whoever reads the table. */
export function keyHash(secret: Uint8Array, key: string): string {
  return createHmac("sha256", secret).update(key).digest("base64url");
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
