// A wrk measurement as a round-robin case, with the measured process's CPU time around it.
import { cpuSeconds } from "./proc-stats.ts";
import type { Case } from "./rounds.ts";
import { runWrk, type WrkResult } from "./wrk.ts";

export interface LoadSample extends WrkResult {
  /** CPU seconds the measured process used during the run; NaN when no process is measured (direct). */
  cpuSeconds: number;
}

export interface LoadCase {
  label: string;
  url: string;
  body: unknown;
  connections: number;
  duration: string;
  warmup: string;
  /** The process whose CPU is charged to this case (the proxy in between), or null for direct. */
  pid: number | null;
  headers?: Record<string, string>;
}

export function loadCase(spec: LoadCase): Case<LoadSample> {
  const job = { url: spec.url, body: spec.body, connections: spec.connections, headers: spec.headers };
  return {
    label: spec.label,
    warm: () => runWrk({ ...job, duration: spec.warmup }),
    async measure() {
      const before = spec.pid === null ? Number.NaN : cpuSeconds(spec.pid);
      const result = await runWrk({ ...job, duration: spec.duration });
      const after = spec.pid === null ? Number.NaN : cpuSeconds(spec.pid);
      return { ...result, cpuSeconds: after - before };
    },
  };
}
