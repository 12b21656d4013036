// Starts a throw-away PostgreSQL server (initdb in a temp folder, a free port) for tests; null when
// PostgreSQL is not installed, with a loud warning (CI installs it, see .ci/run).
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SQL } from "bun";
import { freePort, waitFor } from "./free-port.ts";

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

function binDir(): string | null {
  const onPath = Bun.which("initdb");
  if (onPath) return path.dirname(onPath);
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  for (const version of readdirSync(root).sort().reverse()) {
    const dir = path.join(root, version, "bin");
    if (existsSync(path.join(dir, "initdb"))) return dir;
  }
  return null;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user through runuser. */
function asServerUser(argv: string[]): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...argv] : argv;
}

export async function startPostgres(): Promise<TestPostgres | null> {
  const bin = binDir();
  if (!bin) {
    console.warn("SKIPPED: PostgreSQL is not installed (apt-get install postgresql); its tests did not run");
    return null;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "osp-pg-"));
  if (process.getuid?.() === 0) {
    const { uid, gid } = userIds("postgres");
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  const init = Bun.spawnSync(
    asServerUser([
      path.join(bin, "initdb"),
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-sync",
    ]),
    { stdout: "pipe", stderr: "pipe" },
  );
  if (init.exitCode !== 0) throw new Error(`initdb failed: ${init.stderr.toString()}`);
  const port = freePort();
  const proc = Bun.spawn(
    asServerUser([
      path.join(bin, "postgres"),
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ]),
    { stdout: "ignore", stderr: "pipe" },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(
    async () => {
      const sql = new SQL({ url, max: 1, connectionTimeout: 1 });
      try {
        await sql`SELECT 1`;
      } finally {
        await sql.close();
      }
    },
    15_000,
    "PostgreSQL",
  );
  return {
    url,
    async stop() {
      Bun.spawnSync(asServerUser([path.join(bin, "pg_ctl"), "-D", data, "stop", "-m", "immediate"]), {
        stdout: "ignore",
        stderr: "ignore",
      });
      proc.kill();
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const line = Bun.spawnSync(["id", "-u", name]).stdout.toString().trim();
  const group = Bun.spawnSync(["id", "-g", name]).stdout.toString().trim();
  return { uid: Number(line), gid: Number(group) };
}
