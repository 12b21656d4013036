// The stock ollama CLI's request signing (OLLAMA_AUTH=1): `Authorization: <ssh key blob>:<base64 sig>`
// over "METHOD,/path?ts=UNIX", with ?ts=UNIX on the URL. Verified with WebCrypto Ed25519.
import { createHash } from "node:crypto";
import type { SshKey } from "./ssh-key.ts";

/** How far `ts` may be from the proxy's clock: the CLI signs with its own clock, which may drift. */
export const SIGNATURE_WINDOW_SECONDS = 300;
/**
 * Ed25519 signatures are deterministic, so the genuine CLI makes the same signature again when it
 * sends the same method and path within one second (`ollama run` does). A signature seen before is
 * accepted again only this soon after its first use; later it is a replay.
 */
const REPEAT_MS = 2000;

export interface SignedCredential {
  blob: string;
  signature: Uint8Array<ArrayBuffer>;
  ts: string;
}

/** The header's two halves when it has the CLI's shape (no scheme word, one colon), else null. */
export function parseSignedHeader(header: string, ts: string | null): SignedCredential | null {
  if (ts === null) return null;
  const colon = header.indexOf(":");
  if (colon <= 0 || header.indexOf(":", colon + 1) !== -1 || header.includes(" ")) return null;
  const blob = header.slice(0, colon);
  const sig = header.slice(colon + 1);
  if (!/^[A-Za-z0-9+/]+=*$/.test(sig)) return null;
  return { blob, signature: new Uint8Array(Buffer.from(sig, "base64")), ts };
}

export type SignatureVerdict = "ok" | "bad-signature" | "stale" | "replayed";

export interface SignatureChecker {
  verify(
    cred: SignedCredential,
    key: SshKey,
    method: string,
    paths: readonly string[],
  ): Promise<SignatureVerdict>;
}

/** Where first uses are kept: this process's memory, or Redis for every replica (src/auth/counters.ts). */
export interface SeenStore {
  firstSeen(key: string, at: number, ttlSeconds: number): number | Promise<number>;
}

export function createSignatureChecker(seen: SeenStore, now: () => number = Date.now): SignatureChecker {
  const imported = new Map<string, Promise<CryptoKey>>();
  const importKey = (key: SshKey) => {
    let found = imported.get(key.blob);
    if (!found) {
      if (imported.size > 10_000) imported.clear();
      found = crypto.subtle.importKey("raw", key.raw, { name: "Ed25519" }, false, ["verify"]);
      imported.set(key.blob, found);
    }
    return found;
  };
  return {
    async verify(cred, key, method, paths) {
      const at = now();
      const ts = Number(cred.ts);
      if (!/^\d{1,12}$/.test(cred.ts) || Math.abs(at / 1000 - ts) > SIGNATURE_WINDOW_SECONDS) return "stale";
      const publicKey = await importKey(key);
      let valid = false;
      // The CLI signs the path it was asked for, without the prefix of an OLLAMA_HOST like host/prefix.
      for (const path of paths) {
        const challenge = new TextEncoder().encode(`${method},${path}?ts=${cred.ts}`);
        if (await crypto.subtle.verify("Ed25519", publicKey, cred.signature, challenge)) {
          valid = true;
          break;
        }
      }
      if (!valid) return "bad-signature";
      // Kept as long as its ts could still pass the window check, and no longer.
      const id = `osp:sig:${createHash("sha256").update(cred.signature).digest("base64url")}`;
      const first = await seen.firstSeen(id, at, SIGNATURE_WINDOW_SECONDS * 2 + 5);
      return at - first <= REPEAT_MS ? "ok" : "replayed";
    },
  };
}
