// Turns per-round samples into the figures reported: medians, and ratios taken within each round.
import type { LoadSample } from "../lib/load.ts";
import type { Samples } from "../lib/rounds.ts";
import { median } from "../lib/stats.ts";
import type { StreamCaseLabel, StreamCaseResult } from "../workloads/streaming.ts";

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
