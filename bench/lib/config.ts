// The run's knobs, from environment variables, so a quick or a thorough run needs no code change.

/** What `BENCH_ONLY` can name, in the order a run measures them. */
export const WORKLOAD_IDS = [
  "ceiling",
  "requests",
  "v1-requests",
  "auth-requests",
  "streaming",
  "ttfb",
  "tracing",
  "many-streams",
  "startup",
  "fleet",
] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface BenchConfig {
  /** wrk duration of one measurement (wrk syntax: 3s or 1m). */
  duration: string;
  /** Untimed load on each case before its first measured round, so the JIT has settled. */
  warmup: string;
  /** Measured rounds per case; cases take turns within a round (ABC, BCA, CAB…) and medians are kept. */
  rounds: number;
  /** Connections for the fast streaming workloads. */
  streamConnections: number;
  streamChunks: number;
  slowStreams: number;
  slowChunks: number;
  slowGapMs: number;
  ttfbRequests: number;
  startupRuns: number;
  /** Build the compiled binary before measuring it ("0" measures the existing dist/ binary). */
  build: boolean;
  /** The workloads this run measures: all of them unless `BENCH_ONLY` names a subset. */
  only: WorkloadId[] | null;
}

/** Does this run measure workload `id`? */
export function runs(config: BenchConfig, id: WorkloadId): boolean {
  return config.only === null || config.only.includes(id);
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function wrkDuration(name: string, fallback: string): string {
  const raw = process.env[name] ?? fallback;
  if (!/^\d+(s|m)$/.test(raw))
    throw new Error(`${name} must be whole seconds or minutes (wrk syntax: 3s, 1m), got "${raw}"`);
  return raw;
}

function workloadList(name: string): WorkloadId[] | null {
  const raw = process.env[name]?.trim();
  if (!raw) return null;
  const ids = raw.split(",").map((id) => id.trim());
  const unknown = ids.filter((id) => !(WORKLOAD_IDS as readonly string[]).includes(id));
  if (unknown.length > 0)
    throw new Error(
      `${name} names unknown workloads (${unknown.join(", ")}); known: ${WORKLOAD_IDS.join(", ")}`,
    );
  return WORKLOAD_IDS.filter((id) => ids.includes(id));
}

export function loadBenchConfig(): BenchConfig {
  return {
    duration: wrkDuration("BENCH_DURATION", "3s"),
    warmup: wrkDuration("BENCH_WARMUP", "1s"),
    rounds: int("BENCH_ROUNDS", 3),
    streamConnections: int("BENCH_STREAM_CONNECTIONS", 4),
    streamChunks: int("BENCH_STREAM_CHUNKS", 500),
    slowStreams: int("BENCH_SLOW_STREAMS", 1000),
    slowChunks: int("BENCH_SLOW_CHUNKS", 50),
    slowGapMs: int("BENCH_SLOW_GAP_MS", 20),
    ttfbRequests: int("BENCH_TTFB_REQUESTS", 200),
    startupRuns: int("BENCH_STARTUP_RUNS", 5),
    build: process.env.BENCH_BUILD !== "0",
    only: workloadList("BENCH_ONLY"),
  };
}
