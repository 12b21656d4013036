// `bun run bench`: measures the proxy against the upstream itself and a minimal Bun proxy in one run.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BuildResult, buildBinary } from "./lib/build.ts";
import { loadBenchConfig } from "./lib/config.ts";
import { describeMachine } from "./lib/machine.ts";
import { modelsOf } from "./lib/models.ts";
import { rssMb } from "./lib/proc-stats.ts";
import { ROOT, type RunningProxy, startHelper, startProxy } from "./lib/processes.ts";
import { createRunContext } from "./lib/run-context.ts";
import { BINARY, launchOf, type SubjectName } from "./lib/subjects.ts";
import { ensureWrk } from "./lib/wrk.ts";
import { renderMarkdown } from "./report/markdown.ts";
import { addedLatencyVsFloor, summarizeRequests, summarizeStreaming } from "./report/summarize.ts";
import type { Summary } from "./report/summary.ts";
import { checkTargets } from "./report/targets.ts";
import { runManyStreams } from "./workloads/many-streams.ts";
import { runCeiling, runRequests } from "./workloads/requests.ts";
import { runStartup } from "./workloads/startup.ts";
import { runStreaming } from "./workloads/streaming.ts";
import { runTtfb } from "./workloads/ttfb.ts";

const startedAt = performance.now();
const config = loadBenchConfig();
await ensureWrk();
const machine = describeMachine();
const logDir = mkdtempSync(path.join(tmpdir(), "bench-logs-"));
const say = (message: string) => process.stderr.write(`bench: ${message}\n`);

say(`logs of the measured processes go to ${logDir}`);
let build: BuildResult | null = null;
if (config.build) {
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
  for (const name of ["floor", "proxy", "proxy-nolog"] as const) {
    subjects[name] = await startProxy(launchOf(name, upstream.url, path.join(logDir, `${name}.log`)));
  }
  const ctx = createRunContext({ config, upstream, subjects, logDir });
  const ceiling = await runCeiling(ctx);
  const requests = await runRequests(ctx);
  const streaming = await runStreaming(ctx);
  const ttfb = await runTtfb(ctx);
  const rssAfterLoadMb: Record<string, number> = {};
  for (const [name, s] of Object.entries(subjects)) rssAfterLoadMb[name] = rssMb(s.pid);
  await Promise.all(Object.values(subjects).map((s) => s.stop()));
  for (const name of Object.keys(subjects)) delete subjects[name as SubjectName];

  const startup = await runStartup(ctx, fresh);
  const manyStreams = await runManyStreams(ctx, fresh);
  if (!binaryReady) {
    const why = `missing: binary not built (${build?.error ?? `${BINARY} not found`})`;
    startup.subjects.binary = { missing: why };
    manyStreams.binary = { missing: why };
  }

  const summary: Summary = {
    ceiling: { c1Rps: ceiling.c1.rps, c64Rps: ceiling.c64.rps },
    requests: {
      c1: summarizeRequests(requests.c1),
      c64: summarizeRequests(requests.c64),
      addedP50VsFloor: addedLatencyVsFloor(requests.c1, "proxy"),
      addedP50VsFloorNoLog: addedLatencyVsFloor(requests.c1, "proxy-nolog"),
    },
    streaming: summarizeStreaming(streaming, config.streamChunks),
    ttfb: {
      ...ttfb,
      addedP50Ms: Object.fromEntries(
        Object.entries(ttfb.p50).map(([label, p50]) => [label, p50 - (ttfb.p50.direct ?? Number.NaN)]),
      ),
    },
    manyStreams,
    startup,
    rssAfterLoadMb,
  };
  const targets = checkTargets(summary, config.slowStreams);
  const markdown = renderMarkdown(summary, targets, machine, config);
  const seconds = Math.round((performance.now() - startedAt) / 1000);

  const resultsDir = path.join(ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = machine.date.replace(/[:.]/g, "-");
  const file = path.join(resultsDir, `bench-${stamp}.json`);
  const raw = { ceiling, requests, streaming, ttfb, manyStreams, startup, build };
  const json = { machine, config, runSeconds: seconds, summary, targets, raw };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);

  process.stdout.write(`${markdown}\n`);
  const met = targets.filter((t) => t.status === "met").length;
  say(
    `${met} of ${targets.length} targets met; run took ${seconds} s; results in ${path.relative(ROOT, file)}`,
  );
} finally {
  await stopAll();
}
