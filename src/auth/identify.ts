// Who is asking: the key a credential names, or the 401 that says why it names none.
import type { ProxyError } from "../errors.ts";
import { type Credential, withoutTs } from "./credentials.ts";
import type { CachedKey, KeyCache, KeyLookup } from "./key-cache.ts";
import { SIGNATURE_WINDOW_SECONDS, type SignatureChecker } from "./ollama-signature.ts";
import { authError } from "./refusal.ts";

export interface Identity {
  keys: KeyCache;
  signatures: SignatureChecker;
}

/** `paths`: the route under the base path, then the full path (the CLI signs what it was asked for). */
export async function identify(
  credential: Credential,
  method: string,
  paths: readonly string[],
  opts: Identity,
): Promise<CachedKey | ProxyError> {
  switch (credential.kind) {
    case "none":
      return authError(
        401,
        "missing API key: send Authorization: Bearer <key>, x-api-key: <key>, Basic auth with the key as password, or sign with the ollama CLI (OLLAMA_AUTH=1)",
      );
    case "malformed":
      return authError(401, `invalid credentials: ${credential.why}`);
    case "key":
      return usable(opts.keys.byKey(credential.key), "invalid API key");
    case "signed": {
      const found = opts.keys.bySshBlob(credential.signed.blob);
      if (!found) return authError(401, "unknown public key: register it with `keys create --ssh-key`");
      const verdict = await opts.signatures.verify(credential.signed, found.ssh, method, paths);
      if (verdict === "stale")
        return authError(
          401,
          `signature timestamp (ts) is more than ${SIGNATURE_WINDOW_SECONDS} s from the proxy's clock`,
        );
      if (verdict === "replayed") return authError(401, "signature already used (replayed request)");
      if (verdict === "bad-signature") return authError(401, "invalid signature");
      return usable(found.lookup, "invalid API key");
    }
  }
}

function usable(lookup: KeyLookup, unknown: string): CachedKey | ProxyError {
  if (lookup.kind === "ok") return lookup.key;
  if (lookup.kind === "unknown") return authError(401, unknown);
  return authError(401, `API key '${lookup.key.record.name}' is ${lookup.kind}`);
}

export function stripTs(req: Request): Request {
  return new Request(withoutTs(req.url), {
    method: req.method,
    headers: req.headers,
    body: req.body,
    signal: req.signal,
    // A streamed body needs it (fetch's rule for a ReadableStream body).
    duplex: "half",
  });
}
