// The targets, each a ratio or limit from this one run, judged met / not met / missing.
// A target whose workload BENCH_ONLY left out is "not run".

import { THREE_UPSTREAMS } from "../workloads/fleet.ts";
import type { ManyStreamsEntry } from "../workloads/many-streams.ts";
import type { StartupEntry } from "../workloads/startup.ts";
import { V1_ROUTE } from "../workloads/v1-requests.ts";
import type { Summary } from "./summary.ts";

export interface TargetCheck {
  target: string;
  measured: string;
  status: "met" | "not met" | "missing" | "not run";
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const notRun = (target: string): TargetCheck => ({ target, measured: "not run", status: "not run" });

function ratio(target: string, value: number | undefined, limit: number, atLeast = false): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) return { target, measured: "n/a", status: "missing" };
  const met = atLeast ? value >= limit : value <= limit;
  return { target, measured: `${fmt(value)}×`, status: met ? "met" : "not met" };
}

function streamRatio(summary: Summary, label: string, target: string, limit: number): TargetCheck {
  if (!summary.streaming) return notRun(target);
  const row = summary.streaming[label];
  if (!row) return { target, measured: "n/a", status: "missing" };
  if ("missing" in row) return { target, measured: row.missing, status: "missing" };
  return ratio(target, row.cpuVsFloor, limit);
}

function v1CpuRatio(summary: Summary): TargetCheck {
  const target = "non-streaming /v1/chat/completions CPU/request ≤ 1.5 × /api/chat's (same proxy, c64)";
  const rows = summary.v1Requests;
  if (!rows) return notRun(target);
  if ("missing" in rows) return { target, measured: String(rows.missing), status: "missing" };
  return ratio(target, rows[V1_ROUTE]?.cpuVsReference, 1.5);
}

function authRatio(summary: Summary): TargetCheck {
  const target = "non-streaming /api/chat req/s with AUTH=keys ≥ 0.9 × AUTH=off (c64)";
  const a = summary.authRequests;
  if (!a) return notRun(target);
  if ("missing" in a) return { target, measured: String(a.missing), status: "missing" };
  return ratio(target, a.rpsVsOff, 0.9, true);
}

function manyStreams(summary: Summary, name: "proxy" | "binary", n: number): TargetCheck[] {
  const label = name === "proxy" ? "bun run start" : "compiled binary";
  if (!summary.manyStreams) return [notRun(`${n} concurrent streams (${label})`)];
  const entry = summary.manyStreams[name];
  if (!entry || "missing" in entry) {
    const why = entry && "missing" in entry ? entry.missing : "not measured";
    return [{ target: `${n} concurrent streams (${label})`, measured: why, status: "missing" }];
  }
  const e = entry as ManyStreamsEntry;
  return [
    {
      target: `${n} streams all complete, zero errors (${label})`,
      measured: `${e.completed} completed, ${e.errors} errors`,
      status: e.completed === n && e.errors === 0 ? "met" : "not met",
    },
    {
      target: `${n} streams open upstream at once (${label})`,
      measured: `${e.upstreamStreamsPeak} streams, ${e.upstreamConnectionsPeak} connections`,
      status: e.upstreamStreamsPeak >= n ? "met" : "not met",
    },
    {
      target: `peak RSS with ${n} streams ≤ 150 MB (${label})`,
      measured: `${fmt(e.peakRssMb, 1)} MB`,
      status: e.peakRssMb <= 150 ? "met" : "not met",
    },
  ];
}

function startup(summary: Summary, name: "proxy" | "binary"): TargetCheck[] {
  const label = name === "proxy" ? "bun run start" : "compiled binary";
  if (!summary.startup) return [notRun(`start-up and idle RSS (${label})`)];
  const entry = summary.startup.subjects[name];
  if (!entry || "missing" in entry) {
    const why = entry && "missing" in entry ? entry.missing : "not measured";
    return [{ target: `start-up and idle RSS (${label})`, measured: why, status: "missing" }];
  }
  const e = entry as StartupEntry;
  return [
    {
      target: `idle RSS ≤ 60 MB (${label})`,
      measured: `${fmt(e.idleRssMb, 1)} MB`,
      status: e.idleRssMb <= 60 ? "met" : "not met",
    },
    {
      target: `ready to serve ≤ 200 ms after launch (${label})`,
      measured: `${fmt(e.readyMs, 0)} ms`,
      status: e.readyMs <= 200 ? "met" : "not met",
    },
  ];
}

const tracingTarget =
  "non-streaming /api/chat at c64 with tracing on (all sampled): req/s ≥ 0.85 × tracing off";

function fleet(summary: Summary, n: number): TargetCheck[] {
  const cpu = "fleet of three: routing CPU/request ≤ 1.10 × one upstream's (same proxy, c64)";
  const streams = `${n} streams over three upstreams: all complete, zero errors`;
  const f = summary.fleet;
  if (!f) return [notRun(cpu), notRun(streams)];
  const cpuCheck =
    "missing" in f.cpu
      ? { target: cpu, measured: String(f.cpu.missing), status: "missing" as const }
      : ratio(cpu, f.cpu[THREE_UPSTREAMS]?.cpuVsReference, 1.1);
  if ("missing" in f.streams)
    return [cpuCheck, { target: streams, measured: f.streams.missing, status: "missing" }];
  const s = f.streams;
  return [
    cpuCheck,
    {
      target: streams,
      measured: `${s.completed} completed, ${s.errors} errors; peaks per upstream ${s.upstreamStreamsPeak.join("/")}`,
      status: s.completed === n && s.errors === 0 ? "met" : "not met",
    },
  ];
}

export function checkTargets(summary: Summary, streams: number): TargetCheck[] {
  const requests = summary.requests;
  const throughput = "non-streaming /api/chat at c64: req/s ≥ 0.9 × floor's";
  const latency = "non-streaming /api/chat at c1: added p50 latency ≤ 1.2 × floor's";
  const ttfb = "streaming /api/chat time to first byte: added over direct ≤ 1.2 × floor's (p50)";
  return [
    requests ? ratio(throughput, requests.c64.proxy?.rpsVsFloor, 0.9, true) : notRun(throughput),
    requests ? ratio(latency, requests.addedP50VsFloor, 1.2) : notRun(latency),
    v1CpuRatio(summary),
    authRatio(summary),
    summary.ttfb ? ratio(ttfb, summary.ttfb.addedVsFloor, 1.2) : notRun(ttfb),
    summary.tracing ? ratio(tracingTarget, summary.tracing.rpsVsOff, 0.85, true) : notRun(tracingTarget),
    streamRatio(summary, "proxy", "streaming fast path CPU/chunk ≤ 1.2 × floor's", 1.2),
    streamRatio(
      summary,
      "proxy + /redact",
      "streaming with one transforming agent CPU/chunk ≤ 3 × floor's",
      3,
    ),
    streamRatio(summary, "proxy /v1", "/v1 streaming (translated) CPU/chunk ≤ 3 × floor's native", 3),
    ...manyStreams(summary, "proxy", streams),
    ...manyStreams(summary, "binary", streams),
    ...startup(summary, "proxy"),
    ...startup(summary, "binary"),
    ...fleet(summary, streams),
  ];
}
