// Finds the credential a client sent: Bearer, x-api-key, Basic (the key as password), or the ollama
// CLI's signature. Which form it was does not matter after this.
import { parseSignedHeader, type SignedCredential } from "./ollama-signature.ts";

export type Credential =
  | { kind: "key"; key: string }
  | { kind: "signed"; signed: SignedCredential }
  | { kind: "none" }
  /** Something was sent but cannot be a credential (a malformed header). */
  | { kind: "malformed"; why: string };

export function readCredential(headers: Headers, url: string): Credential {
  const apiKey = headers.get("x-api-key");
  if (apiKey) return { kind: "key", key: apiKey.trim() };
  const auth = headers.get("authorization")?.trim();
  if (!auth) return { kind: "none" };
  const space = auth.indexOf(" ");
  const scheme = space === -1 ? "" : auth.slice(0, space).toLowerCase();
  const rest = space === -1 ? "" : auth.slice(space + 1).trim();
  if (scheme === "bearer")
    return rest ? { kind: "key", key: rest } : { kind: "malformed", why: "empty Bearer token" };
  if (scheme === "basic") return basic(rest);
  const signed = parseSignedHeader(auth, tsOf(url));
  if (signed) return { kind: "signed", signed };
  return {
    kind: "malformed",
    why: "unsupported Authorization scheme (use Bearer <key>, x-api-key or Basic)",
  };
}

/** `http://user:KEY@host` and `curl -u user:KEY`: the password is the key; `curl -u KEY:` sends it as the user. */
function basic(encoded: string): Credential {
  let decoded: string;
  try {
    decoded = Buffer.from(encoded, "base64").toString("utf8");
  } catch {
    return { kind: "malformed", why: "Basic credentials are not base64" };
  }
  const colon = decoded.indexOf(":");
  if (colon === -1) return { kind: "malformed", why: "Basic credentials have no ':'" };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const key = password || user;
  return key ? { kind: "key", key } : { kind: "malformed", why: "empty Basic credentials" };
}

/** The `ts` query parameter, without building a URL object for requests that have no query. */
function tsOf(url: string): string | null {
  const q = url.indexOf("?");
  if (q === -1) return null;
  return new URLSearchParams(url.slice(q + 1)).get("ts");
}

/** The URL without its `ts` parameter: the signature's nonce is for the proxy, never for Ollama. */
export function withoutTs(url: string): string {
  const u = new URL(url);
  u.searchParams.delete("ts");
  return u.toString();
}
