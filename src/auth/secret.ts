// The server secret the key hashes are keyed with: AUTH_SECRET, or a file made once in the data folder.

import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const FILE = "auth-secret";

/**
 * Every replica sharing one database must use the same secret: give them AUTH_SECRET, or the
 * same data folder. A lost secret makes every stored key unusable (they are hashes of it).
 */
export function loadSecret(fromEnv: string, dataDir: string): Uint8Array {
  if (fromEnv) return new TextEncoder().encode(fromEnv);
  const file = path.join(dataDir, FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // "wx": two processes starting at once must not both write a secret; the loser reads the winner's.
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    chmodSync(file, 0o600);
  }
  return new TextEncoder().encode(readFileSync(file, "utf8").trim());
}
