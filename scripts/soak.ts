// `bun run soak`: the proxy as a real process under mixed traffic with faults for SOAK_SECONDS, then a
// check that its memory, open files and in-flight gauge come back near where they started.
import { readdirSync, readFileSync } from "node:fs";
import { startFakeOllama } from "../test/helpers/fake-ollama.ts";
import { spawnProxy } from "../test/helpers/spawn-proxy.ts";
import { type Outcome, runTraffic } from "./soak-traffic.ts";

const number = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) ? v : fallback;
};
const SECONDS = number("SOAK_SECONDS", 60);
const WORKERS = number("SOAK_CONCURRENCY", 16);
const SEED = number("SOAK_SEED", 1);
/** How far above the baseline the end may be: pooled keep-alive sockets and allocator slack. */
const FD_SLACK = number("SOAK_FD_SLACK", 16);
const RSS_SLACK_MB = number("SOAK_RSS_SLACK_MB", 32);
/** After the traffic stops, how long the proxy gets to close what it should close. */
const SETTLE_SECONDS = number("SOAK_SETTLE_SECONDS", 15);

interface Sample {
  rssMb: number;
  fds: number;
  inFlight: number;
}

async function sample(pid: number, base: string): Promise<Sample> {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  // The scrape is itself a request in flight, at the baseline as at the end.
  const inFlight = Number(/^proxy_requests_in_flight (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(rssKb / 102.4) / 10, fds: readdirSync(`/proc/${pid}/fd`).length, inFlight };
}

const show = (s: Sample) => `rss ${s.rssMb} MB, fds ${s.fds}, in flight ${s.inFlight}`;

// Loopback only: the fake listens on 127.0.0.1 and the proxy is told to as well.
const fake = await startFakeOllama();
const proxy = await spawnProxy({
  args: ["--host", "127.0.0.1", "--port", "0", "--ollama-url", fake.url, "--pull-retry-after-ms", "0"],
  env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" },
});
const pid = proxy.proc.pid;
const base = proxy.url;
const port = Number(new URL(base).port);
const outcomes = new Map<string, { ok: number; bad: number; example?: string }>();
const record = (o: Outcome) => {
  const entry = outcomes.get(o.scenario) ?? { ok: 0, bad: 0 };
  if (o.ok) entry.ok++;
  else {
    entry.bad++;
    entry.example ??= o.detail;
  }
  outcomes.set(o.scenario, entry);
};
let unhandled = 0;
/** The proxy's log lines are read and dropped as they come, so a long soak keeps this process small. */
const drainLogs = () => {
  for (const line of proxy.lines.splice(0)) if (line.msg === "unhandled error") unhandled++;
};

const settle = async (baseline?: Sample) => {
  const deadline = performance.now() + SETTLE_SECONDS * 1000;
  for (;;) {
    const s = await sample(pid, base);
    const back = baseline ? s.inFlight <= baseline.inFlight && s.fds <= baseline.fds + FD_SLACK : true;
    if (back || performance.now() > deadline) return s;
    await Bun.sleep(500);
  }
};

const failures: string[] = [];
try {
  console.log(`soak: ${SECONDS} s, ${WORKERS} workers, seed ${SEED}, proxy pid ${pid} at ${base}`);
  // A short warm-up first, so JIT, pools and caches are in the baseline rather than counted as growth.
  await runTraffic({
    base,
    port,
    workers: WORKERS,
    until: performance.now() + 3000,
    seed: SEED + 1000,
    onOutcome: () => {},
  });
  drainLogs();
  await Bun.sleep(1000);
  const baseline = await settle();
  console.log(`baseline: ${show(baseline)}`);

  const started = performance.now();
  const timer = setInterval(async () => {
    drainLogs();
    const s = await sample(pid, base).catch(() => null);
    const at = Math.round((performance.now() - started) / 1000);
    if (s) console.log(`  ${String(at).padStart(4)} s: ${show(s)}`);
  }, 10_000);
  await runTraffic({
    base,
    port,
    workers: WORKERS,
    until: started + SECONDS * 1000,
    seed: SEED,
    onOutcome: record,
  });
  clearInterval(timer);
  drainLogs();

  const after = await settle(baseline);
  console.log(`after:    ${show(after)}`);
  const total = [...outcomes.values()].reduce((n, e) => n + e.ok + e.bad, 0);
  console.log(`\n${total} requests in ${SECONDS} s:`);
  for (const [name, e] of [...outcomes].sort()) {
    console.log(
      `  ${name.padEnd(40)} ${String(e.ok).padStart(6)} ok${e.bad ? `  ${e.bad} unexpected, e.g. ${e.example}` : ""}`,
    );
    if (e.bad) failures.push(`${e.bad} unexpected answers to "${name}"`);
  }

  if (proxy.proc.exitCode !== null) failures.push(`the proxy exited with ${proxy.proc.exitCode}`);
  if (unhandled) failures.push(`${unhandled} unhandled errors in the proxy's log`);
  if (after.inFlight > baseline.inFlight)
    failures.push(`${after.inFlight - baseline.inFlight} requests still in flight`);
  if (after.fds > baseline.fds + FD_SLACK)
    failures.push(`open files grew by ${after.fds - baseline.fds} (allowed ${FD_SLACK})`);
  if (after.rssMb > baseline.rssMb + RSS_SLACK_MB)
    failures.push(
      `resident memory grew by ${Math.round(after.rssMb - baseline.rssMb)} MB (allowed ${RSS_SLACK_MB})`,
    );
} catch (err) {
  failures.push(`the soak itself failed: ${err}`);
} finally {
  await proxy.stop();
  await fake.stop();
}

if (failures.length) {
  console.log(`\nFAIL\n${failures.map((f) => `  - ${f}`).join("\n")}`);
  process.exit(1);
}
console.log("\nPASS: memory, open files and in-flight requests came back near the baseline");
