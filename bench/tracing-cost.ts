// `bun bench/tracing-cost.ts`: CPU per request of the composed app with tracing off and on, in one
// process, without sockets: `app.fetch` with a canned upstream `fetch`, 64 requests at a time, the two
// taking turns. What it isolates is the proxy's own JavaScript work; spans go to a local OTLP sink.
// TRACE_COST_REQUESTS (per round, 20000) and TRACE_COST_ROUNDS (5) size it; under --cpu-prof, TRACE_COST_ONLY=on.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { composeProxy } from "../src/compose.ts";
import { configFrom } from "../src/config/index.ts";
import { createLogger } from "../src/log.ts";
// Loaded up front: a dynamic import first made while this entry is still in its top-level await hangs under Bun.
import "../src/observe/tracing.ts";
import { startHelper } from "./lib/processes.ts";
import { median } from "./lib/stats.ts";
import { SMALL_ANSWER } from "./upstream/answers.ts";
import { SMALL_CHAT } from "./workloads/requests.ts";

const perRound = Number(process.env.TRACE_COST_REQUESTS ?? 20_000);
const rounds = Number(process.env.TRACE_COST_ROUNDS ?? 5);
const CONCURRENCY = 64;
const sink = await startHelper("baselines/otlp-sink.ts");
const answer = SMALL_ANSWER(SMALL_CHAT.model);
const upstreamFetch = async (input: string | URL | Request): Promise<Response> => {
  // A turn of the event loop, as a socket read would take: without it the exporter's own fetch
  // never gets to run while the load lasts, and the sampled spans pile up and are dropped.
  await new Promise((resolve) => setImmediate(resolve));
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith("/api/chat"))
    return new Response(answer, { headers: { "content-type": "application/json; charset=utf-8" } });
  if (url.endsWith("/api/tags"))
    return Response.json({ models: [{ name: "bench:latest", model: "bench:latest", size: 1 }] });
  if (url.endsWith("/api/ps")) return Response.json({ models: [] });
  return Response.json({ version: "0.12.0" });
};

async function build(tracing: boolean) {
  const config = configFrom({
    port: 0,
    ollamaUrl: "http://upstream.invalid",
    logLevel: "warn",
    accessLog: false,
    agentsDir: mkdtempSync(path.join(tmpdir(), "trace-cost-agents-")),
    ...(tracing ? { otelEndpoint: sink.url, otelSampler: "always_on" as const } : {}),
  });
  const composed = await composeProxy({
    config,
    logger: createLogger({ level: "warn", format: "json" }),
    version: "bench",
    fetch: upstreamFetch as typeof fetch,
  });
  await composed.start();
  return composed;
}

const body = JSON.stringify(SMALL_CHAT);
async function load(app: { fetch(req: Request): Response | Promise<Response> }, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      const res = await app.fetch(
        new Request("http://proxy.local/api/chat", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }),
      );
      if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

// TRACE_COST_ONLY=on runs the traced app alone (for a profile of just that).
const only = process.env.TRACE_COST_ONLY;
const subjects = [
  ...(only === "on" ? [] : [{ label: "tracing off", proxy: await build(false), cpu: [] as number[] }]),
  ...(only === "off"
    ? []
    : [{ label: "tracing on (always_on)", proxy: await build(true), cpu: [] as number[] }]),
];
for (const s of subjects) await load(s.proxy.app, 2000);
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(k + round) % subjects.length]!;
    Bun.gc(true);
    const before = process.cpuUsage();
    await load(s.proxy.app, perRound);
    const used = process.cpuUsage(before);
    s.cpu.push((used.user + used.system) / perRound);
  }
}
await Bun.sleep(1500);
const { spans } = (await (await fetch(sink.url)).json()) as { spans: number };
const traced = subjects.find((s) => s.label.startsWith("tracing on"));
if (traced) {
  const metrics = await (await traced.proxy.app.fetch(new Request("http://proxy.local/metrics"))).text();
  const dropped = metrics.split("\n").find((l) => l.startsWith("proxy_trace_spans_dropped_total "));
  process.stdout.write(`spans dropped: ${dropped?.split(" ")[1] ?? "?"}\n`);
}
// Each subject's median, and the median of the per-round ratios to the first subject: the two take
// turns, so a round's ratio compares runs seconds apart, steadier than the medians on a shared machine.
const first = subjects[0]!;
for (const s of subjects) {
  const cpu = median(s.cpu);
  const ratio = median(s.cpu.map((x, i) => x / (first.cpu[i] as number)));
  process.stdout.write(
    `${s.label}: ${cpu.toFixed(1)} µs CPU/request (${ratio.toFixed(2)}× per round; rounds ${s.cpu.map((x) => x.toFixed(0)).join(" ")})\n`,
  );
}
process.stdout.write(`spans received: ${spans}\n`);
for (const s of subjects) await s.proxy.stop();
await sink.stop();
process.exit(0);
