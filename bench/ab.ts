// `bun bench/ab.ts <checkout> [<checkout>...]`: CPU per request of several checkouts of the proxy on
// one profile workload, taking turns round by round, so a busy moment on a shared machine hits all
// of them. For judging a change against the commit before it (e.g. a `git worktree` of it). An
// argument may carry the proxy's flags after the path, in one word: '. --body-timeout-ms 0'.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadBenchConfig } from "./lib/config.ts";
import { modelsOf } from "./lib/models.ts";
import { RAISED_FETCH_LIMIT, startHelper, startProxy } from "./lib/processes.ts";
import { median } from "./lib/stats.ts";
import { runWrk } from "./lib/wrk.ts";
import { threadCpu } from "./profile/thread-cpu.ts";
import { PROFILE_WORKLOADS } from "./profile/workloads.ts";

const subjects = process.argv.slice(2).map((arg) => {
  const [dir = ".", ...flags] = arg.split(" ").filter(Boolean);
  return { label: arg, dir: path.resolve(dir), flags };
});
const checkouts = subjects.map((s) => s.dir);
if (checkouts.length === 0) {
  process.stderr.write("usage: bun bench/ab.ts <checkout> [<checkout>...]  (AB_WORKLOAD, AB_ROUNDS)\n");
  process.exit(2);
}
const config = loadBenchConfig();
const workload = PROFILE_WORKLOADS.find((w) => w.id === (process.env.AB_WORKLOAD ?? "requests-c64"));
if (!workload)
  throw new Error(`unknown AB_WORKLOAD; one of ${PROFILE_WORKLOADS.map((w) => w.id).join(", ")}`);
const rounds = Number(process.env.AB_ROUNDS ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), "bench-ab-"));
const upstream = await startHelper("upstream/fake-upstream.ts", { BENCH_MODELS: modelsOf(config).join(",") });

const sumCpu = (pid: number) => [...threadCpu(pid).values()].reduce((a, b) => a + b, 0);
const results = checkouts.map(() => ({ cpu: [] as number[], rps: [] as number[] }));
try {
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round (AB, BA...): no checkout always goes first.
    for (let k = 0; k < checkouts.length; k++) {
      const i = (k + round) % checkouts.length;
      const subject = await startProxy({
        command: [process.execPath, path.join(checkouts[i]!, "src/index.ts")],
        args: ["--ollama-url", upstream.url, ...subjects[i]!.flags],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TMPDIR: process.env.TMPDIR,
          ...RAISED_FETCH_LIMIT,
        },
        logFile: path.join(dir, `${i}-${round}.log`),
        readyPath: "/health/live",
      });
      try {
        const job = {
          url: subject.url + workload.path,
          body: workload.body(config),
          connections: workload.connections,
        };
        await runWrk({ ...job, duration: config.warmup });
        const before = sumCpu(subject.pid);
        const run = await runWrk({ ...job, duration: config.duration });
        results[i]!.cpu.push(((sumCpu(subject.pid) - before) / run.requests) * 1e6);
        results[i]!.rps.push(run.rps);
      } finally {
        await subject.stop();
      }
    }
  }
} finally {
  await upstream.stop();
}
const base = median(results[0]!.cpu);
for (const [i, r] of results.entries()) {
  const cpu = median(r.cpu);
  process.stdout.write(
    `${subjects[i]!.label}: ${Math.round(median(r.rps))} req/s, ${cpu.toFixed(1)} µs CPU/request` +
      ` (${(cpu / base).toFixed(2)}× the first; rounds ${r.cpu.map((x) => x.toFixed(0)).join(" ")})\n`,
  );
}
