// The figures a run reports, gathered in one shape for the table, the targets and the JSON file.
import type { ManyStreamsResult } from "../workloads/many-streams.ts";
import type { StartupResult } from "../workloads/startup.ts";
import type { TtfbResult } from "../workloads/ttfb.ts";
import type { RequestRow, StreamRow } from "./summarize.ts";

export interface Summary {
  /** wrk's requests/s against a server that does nothing. */
  ceiling: { c1Rps: number; c64Rps: number };
  requests: {
    c1: Record<string, RequestRow>;
    c64: Record<string, RequestRow>;
    /** The proxy's added p50 at c1 ÷ the floor's, median over rounds. */
    addedP50VsFloor: number;
    addedP50VsFloorNoLog: number;
  };
  streaming: Record<string, StreamRow>;
  ttfb: TtfbResult & { addedP50Ms: Record<string, number> };
  manyStreams: ManyStreamsResult;
  startup: StartupResult;
  /** Resident memory of the long-lived subjects after workloads 1–4, MB. */
  rssAfterLoadMb: Record<string, number>;
}
