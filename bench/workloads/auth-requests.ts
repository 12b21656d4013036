// Workload 1c: what AUTH=keys costs. Two fresh proxies, identical but for AUTH=off and AUTH=keys
// (a SQLite store in a temp folder, one key with a model glob and an rpm limit, so the policy and
// the limiter run), take turns at non-streaming /api/chat with 64 connections in the same rounds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LoadSample, loadCase } from "../lib/load.ts";
import { RAISED_FETCH_LIMIT, ROOT, type RunningProxy, startProxy } from "../lib/processes.ts";
import { interleave, type Samples } from "../lib/rounds.ts";
import type { RunContext } from "../lib/run-context.ts";
import { SMALL_CHAT } from "./requests.ts";

export const AUTH_CONNECTIONS = 64;
export const AUTH_OFF = "AUTH=off";
export const AUTH_KEYS = "AUTH=keys";

export type AuthRequestsResult = { samples: Samples<LoadSample> } | { missing: string };

export async function runAuthRequests(ctx: RunContext): Promise<AuthRequestsResult> {
  ctx.progress(
    `workload 1c: non-streaming /api/chat with AUTH=keys vs AUTH=off, concurrency ${AUTH_CONNECTIONS}`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), "bench-auth-"));
  const database = path.join(dir, "proxy.sqlite");
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ...RAISED_FETCH_LIMIT,
  };
  const made = Bun.spawnSync(
    [
      process.execPath,
      "src/index.ts",
      "keys",
      "create",
      "--name",
      "bench",
      "--models",
      "bench*",
      "--rpm",
      "100000000",
    ],
    { cwd: ROOT, env: { ...env, DATABASE_URL: database }, stdout: "pipe", stderr: "pipe" },
  );
  const key = made.stdout.toString().trim().split("\n").at(-1) ?? "";
  if (made.exitCode !== 0 || !key.startsWith("osp_"))
    return { missing: `broken: keys create: ${made.stderr}` };
  const launch = (auth: "off" | "keys", log: string) => ({
    command: [process.execPath, path.join(ROOT, "src/index.ts")],
    args: ["--ollama-url", ctx.upstream.url, "--auth", auth, "--database-url", database],
    env,
    logFile: path.join(ctx.logDir, log),
    readyPath: "/health/live",
  });
  const running: RunningProxy[] = [];
  try {
    const off = await startProxy(launch("off", "auth-off.log"));
    running.push(off);
    const keys = await startProxy(launch("keys", "auth-keys.log"));
    running.push(keys);
    const headers = { Authorization: `Bearer ${key}` };
    // The keyed proxy must answer the key with 200 and refuse a request without it, or the
    // comparison would measure refusals.
    const ok = await fetch(`${keys.url}/api/chat`, {
      method: "POST",
      headers,
      body: JSON.stringify(SMALL_CHAT),
    });
    const refused = await fetch(`${keys.url}/api/chat`, { method: "POST", body: JSON.stringify(SMALL_CHAT) });
    if (ok.status !== 200 || refused.status !== 401)
      return {
        missing: `broken: AUTH=keys answered ${ok.status} with the key and ${refused.status} without`,
      };
    const cases = [
      { label: AUTH_OFF, proxy: off, headers: undefined },
      { label: AUTH_KEYS, proxy: keys, headers },
    ].map((c) =>
      loadCase({
        label: c.label,
        url: `${c.proxy.url}/api/chat`,
        body: SMALL_CHAT,
        connections: AUTH_CONNECTIONS,
        duration: ctx.config.duration,
        warmup: ctx.config.warmup,
        pid: c.proxy.pid,
        headers: c.headers,
      }),
    );
    return { samples: await interleave(cases, ctx.config.rounds) };
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
