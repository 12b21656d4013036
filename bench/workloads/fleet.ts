// Workload 7: the fleet. The proxy in front of three upstreams against the same proxy in front of one:
// CPU per non-streaming request at 64 connections (what routing costs), then 1,000 slow streams held
// at once through the fleet, spread over the three.
import path from "node:path";
import type { StreamClientJob, StreamClientReport } from "../clients/stream-client.ts";
import { type LoadSample, loadCase } from "../lib/load.ts";
import { modelsOf, streamModel } from "../lib/models.ts";
import { peakRssMb } from "../lib/proc-stats.ts";
import { RAISED_FETCH_LIMIT, ROOT, type Running, startHelper, startProxy } from "../lib/processes.ts";
import { interleave, type Samples } from "../lib/rounds.ts";
import type { RunContext } from "../lib/run-context.ts";
import { launchOf } from "../lib/subjects.ts";
import { SMALL_CHAT } from "./requests.ts";

export const FLEET_CONNECTIONS = 64;
/** Case labels; the first is the reference the fleet's CPU is divided by. */
export const ONE_UPSTREAM = "proxy, one upstream";
export const THREE_UPSTREAMS = "proxy, fleet of three";
/** Three names for the one upstream: the routing work without three upstreams sharing the cores. */
export const THREE_NAMES = "proxy, three names for one upstream";

export interface FleetStreams extends StreamClientReport {
  /** Most streams each upstream served at one moment. */
  upstreamStreamsPeak: number[];
  peakRssMb: number;
}

export interface FleetResult {
  cpu: { samples: Samples<LoadSample> } | { missing: string };
  streams: FleetStreams | { missing: string };
}

export async function runFleet(ctx: RunContext): Promise<FleetResult> {
  ctx.progress(
    `workload 7: fleet of three upstreams vs one, ${FLEET_CONNECTIONS} connections; then ${ctx.config.slowStreams} streams over three`,
  );
  const models = { BENCH_MODELS: modelsOf(ctx.config).join(",") };
  const extra = await Promise.all([
    startHelper("upstream/fake-upstream.ts", models),
    startHelper("upstream/fake-upstream.ts", models),
  ]);
  const upstreams: Running[] = [ctx.upstream, ...extra];
  const list = upstreams.map((u, i) => `u${i + 1}=${u.url}`).join(",");
  const single = launchOf("proxy", ctx.upstream.url, path.join(ctx.logDir, "fleet-one.log"));
  const fleetLaunch = launchOf("proxy", ctx.upstream.url, path.join(ctx.logDir, "fleet-three.log"));
  fleetLaunch.args = [...fleetLaunch.args, "--upstreams", list];
  const namesLaunch = launchOf("proxy", ctx.upstream.url, path.join(ctx.logDir, "fleet-names.log"));
  const sameThree = [1, 2, 3].map((i) => `n${i}=${ctx.upstream.url}`).join(",");
  namesLaunch.args = [...namesLaunch.args, "--upstreams", sameThree];
  const [one, three, names] = await Promise.all([
    startProxy(single),
    startProxy(fleetLaunch),
    startProxy(namesLaunch),
  ]);
  try {
    const result: FleetResult = { cpu: { missing: "not measured" }, streams: { missing: "not measured" } };
    const broken = (await check(one.url)) ?? (await check(three.url)) ?? (await check(names.url));
    if (broken) return { cpu: { missing: broken }, streams: { missing: broken } };
    const cases = [
      [ONE_UPSTREAM, one],
      [THREE_UPSTREAMS, three],
      [THREE_NAMES, names],
    ].map(([label, subject]) =>
      loadCase({
        label: label as string,
        url: `${(subject as Running).url}/api/chat`,
        body: SMALL_CHAT,
        connections: FLEET_CONNECTIONS,
        duration: ctx.config.duration,
        warmup: ctx.config.warmup,
        pid: (subject as Running).pid,
      }),
    );
    result.cpu = { samples: await interleave(cases, ctx.config.rounds) };
    result.streams = await holdStreams(ctx, three, upstreams);
    return result;
  } finally {
    await Promise.all([one.stop(), three.stop(), names.stop(), ...extra.map((u) => u.stop())]);
  }
}

/** One request before measuring: a CPU figure for a failing route would mean nothing. */
async function check(base: string): Promise<string | null> {
  const res = await fetch(`${base}/api/chat`, { method: "POST", body: JSON.stringify(SMALL_CHAT) });
  const text = await res.text();
  return res.status === 200 ? null : `broken: ${base} answered HTTP ${res.status}: ${text.slice(0, 200)}`;
}

async function holdStreams(ctx: RunContext, fleet: Running, upstreams: Running[]): Promise<FleetStreams> {
  const { slowStreams, slowChunks, slowGapMs } = ctx.config;
  await Promise.all(upstreams.map((u) => control(`${u.url}/__bench/reset`)));
  const job: StreamClientJob = {
    url: `${fleet.url}/api/chat`,
    count: slowStreams,
    chunks: slowChunks,
    body: { model: streamModel(slowChunks, slowGapMs), messages: [{ role: "user", content: "Hi" }] },
  };
  const client = Bun.spawn(
    [process.execPath, path.join(ROOT, "bench/clients/stream-client.ts"), JSON.stringify(job)],
    { env: { ...process.env, ...RAISED_FETCH_LIMIT }, stdout: "pipe", stderr: "inherit" },
  );
  const out = await new Response(client.stdout).text();
  await client.exited;
  const report = JSON.parse(out) as StreamClientReport;
  const peaks = await Promise.all(
    upstreams.map(async (u) => ((await control(`${u.url}/__bench/streams`)) as { peak: number }).peak),
  );
  return { ...report, upstreamStreamsPeak: peaks, peakRssMb: peakRssMb(fleet.pid) };
}

/** The bench's own requests close their connection, so they are not counted as the subject's. */
async function control(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { connection: "close" }, keepalive: false });
  return res.json();
}
