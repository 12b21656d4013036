// `bun bench/profile.ts`: where the proxy spends its time on the benchmark's hot workloads.
// Per workload: thread CPU of the floor and the proxy (no profiler), then the proxy under
// `bun --cpu-prof`, summarised. Raw .cpuprofile files stay in a temp folder for DevTools or speedscope.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadBenchConfig } from "./lib/config.ts";
import { modelsOf } from "./lib/models.ts";
import { ROOT, startHelper, startProxy } from "./lib/processes.ts";
import { launchOf, type SubjectName } from "./lib/subjects.ts";
import { ensureWrk, runWrk } from "./lib/wrk.ts";
import { summarizeProfile } from "./profile/cpu-profile.ts";
import { renderProfile } from "./profile/render.ts";
import { threadCpu, threadDelta } from "./profile/thread-cpu.ts";
import { PROFILE_WORKLOADS, type ProfileWorkload } from "./profile/workloads.ts";

const config = loadBenchConfig();
const duration = process.env.PROFILE_DURATION ?? "5s";
const only = process.env.PROFILE_WORKLOADS?.split(",");
await ensureWrk();
const dir = mkdtempSync(path.join(tmpdir(), "bench-profile-"));
const say = (message: string) => process.stderr.write(`profile: ${message}\n`);
const upstream = await startHelper("upstream/fake-upstream.ts", { BENCH_MODELS: modelsOf(config).join(",") });

async function threads(name: SubjectName, w: ProfileWorkload) {
  const subject = await startProxy(launchOf(name, upstream.url, path.join(dir, `${name}-${w.id}.log`)));
  try {
    const route = name === "floor" ? (w.floorPath ?? w.path) : w.path;
    const job = { url: subject.url + route, body: w.body(config), connections: w.connections };
    await runWrk({ ...job, duration: config.warmup });
    const before = threadCpu(subject.pid);
    const result = await runWrk({ ...job, duration });
    return {
      rps: result.rps,
      requests: result.requests,
      threads: threadDelta(before, threadCpu(subject.pid)),
    };
  } finally {
    await subject.stop();
  }
}

async function profiled(w: ProfileWorkload) {
  const launch = launchOf("proxy", upstream.url, path.join(dir, `profiled-${w.id}.log`));
  const name = `${w.id}.cpuprofile`;
  const flags = ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`];
  const subject = await startProxy({
    ...launch,
    command: [launch.command[0]!, ...flags, ...launch.command.slice(1)],
  });
  const job = { url: subject.url + w.path, body: w.body(config), connections: w.connections };
  await runWrk({ ...job, duration: config.warmup });
  await runWrk({ ...job, duration });
  await subject.stop(); // the profile is written as the process exits
  const file = readdirSync(dir).find((f) => f === name);
  if (!file) throw new Error(`bun --cpu-prof wrote no ${name} in ${dir}`);
  return summarizeProfile(path.join(dir, file), ROOT);
}

const sections: string[] = [];
try {
  for (const w of PROFILE_WORKLOADS.filter((x) => !only || only.includes(x.id))) {
    say(`${w.id}: ${w.title}`);
    const floor = await threads("floor", w);
    const proxy = await threads("proxy", w);
    const profile = await profiled(w);
    sections.push(renderProfile(`${w.id}: ${w.title}`, w.chunks(config), { floor, proxy }, profile));
  }
} finally {
  await upstream.stop();
}
const text = `# Proxy CPU profile (${new Date().toISOString()}, ${duration} per workload)\n\n${sections.join("\n")}`;
mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
const out = path.join(ROOT, "bench", "results", "profile-latest.md");
writeFileSync(out, text);
process.stdout.write(text);
say(`written to ${path.relative(ROOT, out)}; raw .cpuprofile files in ${dir}`);
