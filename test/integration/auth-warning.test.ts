// A proxy listening beyond loopback without keys says so loudly at start-up; with keys it does not.
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnProxy } from "../helpers/spawn-proxy.ts";

test("AUTH=off on 0.0.0.0 warns at start-up; AUTH=keys on 0.0.0.0 does not", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "osp-warn-"));
  const args = ["--host", "0.0.0.0", "--port", "0", "--ollama-url", "127.0.0.1:9", "--agents-watch", "false"];
  const [open, keyed] = await Promise.all([
    spawnProxy({ args }),
    spawnProxy({ args: [...args, "--auth", "keys", "--database-url", path.join(dir, "p.sqlite")] }),
  ]);
  // Log lines go out in batches: the warning is written right after the listening line.
  await Bun.sleep(200);
  const warned = (lines: Array<Record<string, unknown>>) =>
    lines.some(
      (l) => l.level === "warn" && String(l.msg).startsWith("AUTH=off while listening beyond loopback"),
    );
  expect(warned(open.lines)).toBe(true);
  expect(warned(keyed.lines)).toBe(false);
  expect(keyed.listening.auth).toBe("keys");
  await Promise.all([open.stop(), keyed.stop()]);
  rmSync(dir, { recursive: true, force: true });
});
