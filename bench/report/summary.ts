// The figures a run reports, gathered in one shape for the table, the targets and the JSON file.
// A workload left out by BENCH_ONLY has no entry.
import type { FleetStreams } from "../workloads/fleet.ts";
import type { ManyStreamsResult } from "../workloads/many-streams.ts";
import type { StartupResult } from "../workloads/startup.ts";
import type { CpuPerRequestRow, RequestRow, StreamRow, TtfbSummary } from "./summarize.ts";

export interface Summary {
  /** wrk's requests/s against a server that does nothing. */
  ceiling?: { c1Rps: number; c64Rps: number };
  requests?: {
    c1: Record<string, RequestRow>;
    c64: Record<string, RequestRow>;
    /** The proxy's added p50 at c1 ÷ the floor's, median over rounds. */
    addedP50VsFloor: number;
    addedP50VsFloorNoLog: number;
  };
  /** Non-streaming /v1/chat/completions and /api/chat on the same proxy; CPU ratio against /api/chat. */
  v1Requests?: Record<string, CpuPerRequestRow> | { missing: string };
  /** Non-streaming /api/chat through two proxies, AUTH=off and AUTH=keys; req/s ratio keys ÷ off. */
  authRequests?: { rows: Record<string, CpuPerRequestRow>; rpsVsOff: number } | { missing: string };
  streaming?: Record<string, StreamRow>;
  ttfb?: TtfbSummary;
  /** Workload 7: the same proxy code with tracing on and off, c64 non-streaming. */
  tracing?: {
    rows: Record<string, CpuPerRequestRow>;
    /** Tracing on ÷ off, req/s, median over rounds. */
    rpsVsOff: number;
    spansReceived: number;
    spansDropped: number;
  };
  manyStreams?: ManyStreamsResult;
  startup?: StartupResult;
  /** The proxy in front of three upstreams vs one: CPU per request (ratio to one), and 1,000 streams over three. */
  fleet?: {
    cpu: Record<string, CpuPerRequestRow> | { missing: string };
    streams: FleetStreams | { missing: string };
  };
  /** Resident memory of the long-lived subjects after the workloads that use them, MB. */
  rssAfterLoadMb?: Record<string, number>;
}
