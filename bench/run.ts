// `bun run bench`: measures the proxy against the upstream itself and a minimal Bun proxy in one run.
// BENCH_ONLY=<ids> measures a subset (see README); the rest is reported as not run.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BuildResult, buildBinary } from "./lib/build.ts";
import { loadBenchConfig, runs } from "./lib/config.ts";
import { describeMachine } from "./lib/machine.ts";
import { modelsOf } from "./lib/models.ts";
import { rssMb } from "./lib/proc-stats.ts";
import { ROOT, type RunningProxy, startHelper, startProxy } from "./lib/processes.ts";
import { createRunContext } from "./lib/run-context.ts";
import { BINARY, launchOf, type SubjectName } from "./lib/subjects.ts";
import { ensureWrk } from "./lib/wrk.ts";
import { renderMarkdown } from "./report/markdown.ts";
import {
  addedLatencyVsFloor,
  rpsRatio,
  summarizeAuthRequests,
  summarizeCpuPerRequest,
  summarizeRequests,
  summarizeStreaming,
  summarizeTtfb,
} from "./report/summarize.ts";
import type { Summary } from "./report/summary.ts";
import { checkTargets } from "./report/targets.ts";
import { AUTH_KEYS, AUTH_OFF, runAuthRequests } from "./workloads/auth-requests.ts";
import { ONE_UPSTREAM, runFleet } from "./workloads/fleet.ts";
import { runManyStreams } from "./workloads/many-streams.ts";
import { runCeiling, runRequests } from "./workloads/requests.ts";
import { runStartup } from "./workloads/startup.ts";
import { runStreaming } from "./workloads/streaming.ts";
import { runTracing, TRACING_OFF } from "./workloads/tracing.ts";
import { runTtfb } from "./workloads/ttfb.ts";
import { NATIVE_ROUTE, runV1Requests } from "./workloads/v1-requests.ts";

const startedAt = performance.now();
const config = loadBenchConfig();
await ensureWrk();
const machine = describeMachine();
const logDir = mkdtempSync(path.join(tmpdir(), "bench-logs-"));
const say = (message: string) => process.stderr.write(`bench: ${message}\n`);
/** Workloads 5 and 6 start fresh processes, the binary among them; the others share long-lived ones. */
const freshWorkloads = runs(config, "many-streams") || runs(config, "startup");
const sharedWorkloads = (["requests", "v1-requests", "streaming", "ttfb", "tracing"] as const).some((id) =>
  runs(config, id),
);

say(`logs of the measured processes go to ${logDir}`);
if (config.only) say(`measuring only: ${config.only.join(", ")}`);
let build: BuildResult | null = null;
if (config.build && freshWorkloads) {
  say("building the compiled binary (bun run build)");
  build = buildBinary();
}
const binaryReady = (build === null || build.ok) && (await Bun.file(BINARY).exists());
const fresh: SubjectName[] = binaryReady ? ["floor", "proxy", "binary"] : ["floor", "proxy"];

const upstream = await startHelper("upstream/fake-upstream.ts", { BENCH_MODELS: modelsOf(config).join(",") });
const subjects: Partial<Record<SubjectName, RunningProxy>> = {};
const stopAll = async () => {
  await Promise.all(Object.values(subjects).map((s) => s?.stop()));
  await upstream.stop();
};
process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

try {
  const summary: Summary = {};
  const raw: Record<string, unknown> = { build };
  const ctx = createRunContext({ config, upstream, subjects, logDir });
  if (runs(config, "ceiling")) {
    const ceiling = await runCeiling(ctx);
    raw.ceiling = ceiling;
    summary.ceiling = { c1Rps: ceiling.c1.rps, c64Rps: ceiling.c64.rps };
  }
  if (sharedWorkloads) {
    for (const name of ["floor", "proxy", "proxy-nolog"] as const) {
      subjects[name] = await startProxy(launchOf(name, upstream.url, path.join(logDir, `${name}.log`)));
    }
  }
  if (runs(config, "requests")) {
    const requests = await runRequests(ctx);
    raw.requests = requests;
    summary.requests = {
      c1: summarizeRequests(requests.c1),
      c64: summarizeRequests(requests.c64),
      addedP50VsFloor: addedLatencyVsFloor(requests.c1, "proxy"),
      addedP50VsFloorNoLog: addedLatencyVsFloor(requests.c1, "proxy-nolog"),
    };
  }
  if (runs(config, "v1-requests")) {
    const v1 = await runV1Requests(ctx);
    raw.v1Requests = v1;
    summary.v1Requests = "missing" in v1 ? v1 : summarizeCpuPerRequest(v1.samples, NATIVE_ROUTE);
  }
  if (runs(config, "auth-requests")) {
    const auth = await runAuthRequests(ctx);
    raw.authRequests = auth;
    summary.authRequests =
      "missing" in auth ? auth : summarizeAuthRequests(auth.samples, AUTH_OFF, AUTH_KEYS);
  }
  if (runs(config, "streaming")) {
    const streaming = await runStreaming(ctx);
    raw.streaming = streaming;
    summary.streaming = summarizeStreaming(streaming, config.streamChunks);
  }
  if (runs(config, "ttfb")) {
    const ttfb = await runTtfb(ctx);
    raw.ttfb = ttfb;
    summary.ttfb = summarizeTtfb(ttfb);
  }
  if (runs(config, "tracing")) {
    const tracing = await runTracing(ctx);
    raw.tracing = tracing;
    summary.tracing = {
      rows: summarizeCpuPerRequest(tracing.samples, TRACING_OFF),
      rpsVsOff: rpsRatio(tracing.samples, TRACING_OFF),
      spansReceived: tracing.spansReceived,
      spansDropped: tracing.spansDropped,
    };
  }
  if (sharedWorkloads) {
    const rss: Record<string, number> = {};
    for (const [name, s] of Object.entries(subjects)) rss[name] = rssMb(s.pid);
    summary.rssAfterLoadMb = rss;
    await Promise.all(Object.values(subjects).map((s) => s.stop()));
    for (const name of Object.keys(subjects)) delete subjects[name as SubjectName];
  }

  const binaryMissing = `missing: binary not built (${build?.error ?? `${BINARY} not found`})`;
  if (runs(config, "startup")) {
    const startup = await runStartup(ctx, fresh);
    if (!binaryReady) startup.subjects.binary = { missing: binaryMissing };
    raw.startup = summary.startup = startup;
  }
  if (runs(config, "many-streams")) {
    const manyStreams = await runManyStreams(ctx, fresh);
    if (!binaryReady) manyStreams.binary = { missing: binaryMissing };
    raw.manyStreams = summary.manyStreams = manyStreams;
  }

  if (runs(config, "fleet")) {
    const fleet = await runFleet(ctx);
    raw.fleet = fleet;
    summary.fleet = {
      cpu: "missing" in fleet.cpu ? fleet.cpu : summarizeCpuPerRequest(fleet.cpu.samples, ONE_UPSTREAM),
      streams: fleet.streams,
    };
  }

  const targets = checkTargets(summary, config.slowStreams);
  const markdown = renderMarkdown(summary, targets, machine, config);
  const seconds = Math.round((performance.now() - startedAt) / 1000);

  const resultsDir = path.join(ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = machine.date.replace(/[:.]/g, "-");
  const file = path.join(resultsDir, `bench-${stamp}${config.only ? "-partial" : ""}.json`);
  const json = { machine, config, runSeconds: seconds, summary, targets, raw };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);

  process.stdout.write(`${markdown}\n`);
  const judged = targets.filter((t) => t.status !== "not run");
  const met = judged.filter((t) => t.status === "met").length;
  say(
    `${met} of ${judged.length} targets met; run took ${seconds} s; results in ${path.relative(ROOT, file)}`,
  );
} finally {
  await stopAll();
}
