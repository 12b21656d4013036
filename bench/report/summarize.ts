// Turns per-round samples into the figures reported: medians, and ratios taken within each round.
import type { LoadSample } from "../lib/load.ts";
import type { Samples } from "../lib/rounds.ts";
import { median } from "../lib/stats.ts";
import type { StreamCaseLabel, StreamCaseResult } from "../workloads/streaming.ts";
import type { TtfbResult } from "../workloads/ttfb.ts";

export interface RequestRow {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU time of the process in between, per request, µs (NaN for direct). */
  cpuUsPerRequest: number;
  /** p50 minus direct's p50 in the same round, median over rounds (ms). */
  addedP50Ms: number;
  /** requests/s ÷ the floor's in the same round, median over rounds. */
  rpsVsFloor: number;
}

/** Median over rounds of f(sample of this label, sample of `other` in the same round). */
function perRound(
  samples: Samples<LoadSample>,
  label: string,
  other: string,
  f: (a: LoadSample, b: LoadSample) => number,
): number {
  const mine = samples[label] ?? [];
  const theirs = samples[other] ?? [];
  return median(mine.map((s, i) => (theirs[i] ? f(s, theirs[i]) : Number.NaN)));
}

export function summarizeRequests(samples: Samples<LoadSample>): Record<string, RequestRow> {
  const rows: Record<string, RequestRow> = {};
  for (const [label, list] of Object.entries(samples)) {
    rows[label] = {
      rps: median(list.map((s) => s.rps)),
      p50Ms: median(list.map((s) => s.p50)),
      p99Ms: median(list.map((s) => s.p99)),
      errors: list.reduce((n, s) => n + s.errors, 0),
      cpuUsPerRequest: median(list.map((s) => (s.cpuSeconds / s.requests) * 1e6)),
      addedP50Ms: perRound(samples, label, "direct", (a, b) => a.p50 - b.p50),
      rpsVsFloor: perRound(samples, label, "floor", (a, b) => a.rps / b.rps),
    };
  }
  return rows;
}

export interface CpuPerRequestRow {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU time of the proxy per completed request, µs. */
  cpuUsPerRequest: number;
  /** CPU per request ÷ the reference route's in the same round, median over rounds. */
  cpuVsReference: number;
}

/** Routes of one process under the same load: CPU per request, and its ratio to `reference`'s per round. */
export function summarizeCpuPerRequest(
  samples: Samples<LoadSample>,
  reference: string,
): Record<string, CpuPerRequestRow> {
  const cpuPerRequest = (s: LoadSample) => s.cpuSeconds / s.requests;
  const rows: Record<string, CpuPerRequestRow> = {};
  for (const [label, list] of Object.entries(samples)) {
    rows[label] = {
      rps: median(list.map((s) => s.rps)),
      p50Ms: median(list.map((s) => s.p50)),
      p99Ms: median(list.map((s) => s.p99)),
      errors: list.reduce((n, s) => n + s.errors, 0),
      cpuUsPerRequest: median(list.map((s) => cpuPerRequest(s) * 1e6)),
      cpuVsReference: perRound(samples, label, reference, (a, b) => cpuPerRequest(a) / cpuPerRequest(b)),
    };
  }
  return rows;
}

/** req/s of the other case ÷ `reference`'s within each round, median over rounds (two cases). */
export function rpsRatio(samples: Samples<LoadSample>, reference: string): number {
  const other = Object.keys(samples).find((label) => label !== reference) ?? reference;
  return perRound(samples, other, reference, (a, b) => a.rps / b.rps);
}

/** AUTH=keys against AUTH=off: the per-request rows, and req/s of keys ÷ off within each round. */
export function summarizeAuthRequests(
  samples: Samples<LoadSample>,
  off: string,
  keys: string,
): { rows: Record<string, CpuPerRequestRow>; rpsVsOff: number } {
  return {
    rows: summarizeCpuPerRequest(samples, off),
    rpsVsOff: perRound(samples, keys, off, (a, b) => a.rps / b.rps),
  };
}

/** Ratio of added p50 latencies within each round: (label − direct) ÷ (floor − direct). */
export function addedLatencyVsFloor(samples: Samples<LoadSample>, label: string): number {
  const direct = samples.direct ?? [];
  const floor = samples.floor ?? [];
  return median(
    (samples[label] ?? []).map((s, i) => {
      const d = direct[i];
      const f = floor[i];
      return d && f ? (s.p50 - d.p50) / (f.p50 - d.p50) : Number.NaN;
    }),
  );
}

export type StreamRow =
  | {
      chunksPerS: number;
      /** CPU seconds of the process in between per 100,000 chunks (NaN for direct). */
      cpuSPer100k: number;
      /** CPU per chunk ÷ the floor's native pass-through in the same round, median over rounds. */
      cpuVsFloor: number;
      p50Ms: number;
      errors: number;
      chunksSeen: number;
    }
  | { missing: string };

export function summarizeStreaming(
  results: Record<StreamCaseLabel, StreamCaseResult>,
  chunksPerRequest: number,
): Record<string, StreamRow> {
  const cpuPerChunk = (s: LoadSample) => s.cpuSeconds / (s.requests * chunksPerRequest);
  const floor = results.floor && "samples" in results.floor ? results.floor.samples : [];
  const rows: Record<string, StreamRow> = {};
  for (const [label, r] of Object.entries(results)) {
    if ("missing" in r) {
      rows[label] = { missing: r.missing };
      continue;
    }
    rows[label] = {
      chunksPerS: median(r.samples.map((s) => s.rps * chunksPerRequest)),
      cpuSPer100k: median(r.samples.map((s) => cpuPerChunk(s) * 1e5)),
      cpuVsFloor: median(
        r.samples.map((s, i) => (floor[i] ? cpuPerChunk(s) / cpuPerChunk(floor[i]) : Number.NaN)),
      ),
      p50Ms: median(r.samples.map((s) => s.p50)),
      errors: r.samples.reduce((n, s) => n + s.errors, 0),
      chunksSeen: r.chunksPerRequest,
    };
  }
  return rows;
}

export interface TtfbSummary extends TtfbResult {
  /** p50 minus direct's p50, ms. */
  addedP50Ms: Record<string, number>;
  /**
   * The proxy's added p50 ÷ the floor's. The requests of all subjects took turns one by one, so the
   * three p50s come from the same moments of the machine, as a round's would.
   */
  addedVsFloor: number;
  /** For each agent case: its added p50 ÷ the same proxy's without an agent. */
  addedVsNoAgent: Record<string, number>;
}

export function summarizeTtfb(ttfb: TtfbResult): TtfbSummary {
  const direct = ttfb.p50.direct ?? Number.NaN;
  const addedP50Ms = Object.fromEntries(
    Object.entries(ttfb.p50).map(([label, p50]) => [label, p50 - direct]),
  );
  const floorAdded = addedP50Ms.floor ?? Number.NaN;
  // A floor no slower than direct leaves nothing to divide by: no ratio rather than a wild one.
  const addedVsFloor = floorAdded > 0 ? (addedP50Ms.proxy ?? Number.NaN) / floorAdded : Number.NaN;
  const proxyAdded = addedP50Ms.proxy ?? Number.NaN;
  const addedVsNoAgent = Object.fromEntries(
    Object.keys(ttfb.p50)
      .filter((label) => label.startsWith("proxy + "))
      .map((label) => [label, proxyAdded > 0 ? (addedP50Ms[label] ?? Number.NaN) / proxyAdded : Number.NaN]),
  );
  return { ...ttfb, addedP50Ms, addedVsFloor, addedVsNoAgent };
}
