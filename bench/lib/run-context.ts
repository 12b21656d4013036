// What every workload gets: the knobs, the fake upstream, the running subjects and a progress line.
import type { BenchConfig } from "./config.ts";
import type { Running, RunningProxy } from "./processes.ts";
import type { SubjectName } from "./subjects.ts";

export type Label = "direct" | SubjectName;

export interface Endpoint {
  label: Label;
  url: string;
  /** The process in the path whose CPU is measured; null for direct (nothing in between). */
  pid: number | null;
}

export interface RunContext {
  config: BenchConfig;
  upstream: Running;
  /** The long-lived subjects measured by workloads 1–4. */
  subjects: Partial<Record<SubjectName, RunningProxy>>;
  /** Where the subjects' logs go. */
  logDir: string;
  progress(message: string): void;
  /** The endpoints for these labels, in this order ("direct" is the upstream itself). */
  chain(labels: Label[]): Endpoint[];
}

export function createRunContext(
  init: Omit<RunContext, "chain" | "progress"> & { quiet?: boolean },
): RunContext {
  return {
    ...init,
    progress(message) {
      if (!init.quiet) process.stderr.write(`bench: ${message}\n`);
    },
    chain(labels) {
      return labels.map((label) => {
        if (label === "direct") return { label, url: init.upstream.url, pid: null };
        const s = init.subjects[label];
        if (!s) throw new Error(`subject ${label} is not running`);
        return { label, url: s.url, pid: s.pid };
      });
    },
  };
}
