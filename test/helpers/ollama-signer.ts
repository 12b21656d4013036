// Signs requests exactly as the stock ollama CLI does with OLLAMA_AUTH=1 (api/client.go, auth/auth.go):
// Authorization `<ssh wire-format public key, base64>:<base64 Ed25519 signature of "METHOD,/path?ts=UNIX">`
// and `?ts=UNIX` on the URL.
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { sshBlob } from "../../src/auth/ssh-key.ts";

export interface OllamaSigner {
  /** The `ssh-ed25519 AAAA... comment` line, as in ~/.ollama/id_ed25519.pub. */
  publicKeyLine: string;
  /** Headers and URL for one request; `ts` defaults to now (Unix seconds). */
  sign(method: string, baseUrl: string, path: string, ts?: number): { url: string; authorization: string };
}

export function createOllamaSigner(): OllamaSigner {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  const blob = sshBlob(new Uint8Array(raw));
  return {
    publicKeyLine: `ssh-ed25519 ${blob} test@host`,
    sign(method, baseUrl, path, ts = Math.floor(Date.now() / 1000)) {
      const challenge = `${method},${path}?ts=${ts}`;
      return {
        url: `${baseUrl}${path}?ts=${ts}`,
        authorization: `${blob}:${signWith(privateKey, challenge)}`,
      };
    },
  };
}

function signWith(key: KeyObject, text: string): string {
  return sign(null, Buffer.from(text), key).toString("base64");
}
