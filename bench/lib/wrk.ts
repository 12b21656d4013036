// Drives wrk (a C load generator) with a Lua script for POST bodies and reads its summary as JSON.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  bytes: number;
  /** Latency percentiles of whole responses, in ms. */
  p50: number;
  p90: number;
  p99: number;
  /** Socket errors (connect, read, write, timeout) plus non-2xx answers. */
  errors: number;
}

export interface WrkJob {
  url: string;
  /** JSON body to POST; absent means GET. */
  body?: unknown;
  connections: number;
  duration: string;
  threads?: number;
  /** Extra request headers (an API key for AUTH=keys). */
  headers?: Record<string, string>;
}

const scriptDir = mkdtempSync(path.join(tmpdir(), "bench-wrk-"));
let scriptCount = 0;

/** wrk's `done` hook prints one line we can parse; its own text report is ignored. */
const DONE_HOOK = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"p50":%d,"p90":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;

function luaScript(body: unknown, headers: Record<string, string> = {}): string {
  const file = path.join(scriptDir, `job-${scriptCount++}.lua`);
  const extra = Object.entries(headers)
    .map(([name, value]) => `wrk.headers["${name}"] = [==[${value}]==]\n`)
    .join("");
  const head =
    body === undefined
      ? 'wrk.method = "GET"\n'
      : // A Lua long bracket holds the JSON verbatim (no escaping); the level just must not occur in it.
        `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[${JSON.stringify(body)}]==]\n`;
  writeFileSync(file, head + extra + DONE_HOOK);
  return file;
}

export async function runWrk(job: WrkJob): Promise<WrkResult> {
  const args = [
    "wrk",
    `-t${job.threads ?? 1}`,
    `-c${job.connections}`,
    `-d${job.duration}`,
    "--timeout",
    "30s",
    "-s",
    luaScript(job.body, job.headers),
    job.url,
  ];
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!line) throw new Error(`wrk gave no summary for ${job.url}: ${err || out}`);
  const raw = JSON.parse(line.slice("WRK_JSON ".length)) as Record<string, number>;
  const seconds = (raw.durationUs ?? 0) / 1e6;
  const requests = raw.requests ?? 0;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    bytes: raw.bytes ?? 0,
    p50: (raw.p50 ?? 0) / 1000,
    p90: (raw.p90 ?? 0) / 1000,
    p99: (raw.p99 ?? 0) / 1000,
    errors: raw.errors ?? 0,
  };
}

/** Finds wrk, installing Debian's package when running as root; otherwise says how to get it. */
export async function ensureWrk(): Promise<string> {
  const found = Bun.which("wrk");
  if (found) return found;
  const canInstall = process.getuid?.() === 0 && Bun.which("apt-get");
  if (canInstall) {
    process.stderr.write("bench: wrk not found; installing it with apt-get\n");
    const install = () => Bun.spawnSync(["apt-get", "install", "-y", "-qq", "wrk"], { stdout: "ignore" });
    if (install().exitCode !== 0) {
      Bun.spawnSync(["apt-get", "update", "-qq"], { stdout: "ignore" });
      install();
    }
    const installed = Bun.which("wrk");
    if (installed) return installed;
  }
  throw new Error(
    "wrk is needed (a C load generator). Install it: `sudo apt-get install wrk` (Debian/Ubuntu), " +
      "`brew install wrk` (macOS), or build it from github.com/wg/wrk; then run `bun run bench` again.",
  );
}
