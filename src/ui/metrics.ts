// Reads the proxy's Prometheus text (GET /metrics) into the few totals the overview charts.

/** Routes the dashboard itself polls: left out of the request rate so an open tab does not count as traffic. */
const DASHBOARD_ROUTES = new Set(["/metrics", "/health", "/models", "/events"]);

export interface Sample {
  at: number;
  requests: number;
  errors: number;
  ttfbSum: number;
  ttfbCount: number;
  /** GenAI metrics (absent from older proxies: zero). */
  inputTokens: number;
  outputTokens: number;
  ttftSum: number;
  ttftCount: number;
  inFlight: number;
  /** Requests waiting for a fleet server with room; null from a proxy without the fleet metrics. */
  queued: number | null;
  queueWaitSum: number;
  queueWaitCount: number;
  memory: number | null;
  /** Requests each agent took part in since start, by how they ended. */
  agentRuns: Record<string, { total: number; failed: number }>;
}

export interface Point {
  at: number;
  requestsPerSecond: number;
  errorsPerSecond: number;
  /** Mean time to first byte of the streams that started in the interval; null when none did. */
  ttfbMs: number | null;
  outputTokensPerSecond: number;
  /** Mean time to first token of the streamed answers in the interval; null when there were none. */
  ttftMs: number | null;
  inFlight: number;
  queued: number | null;
  /** Mean wait of the requests that left the queue in the interval; null when none did. */
  queueWaitMs: number | null;
}

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/);
    if (!m?.[1] || m[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ""] = l[2] ?? "";
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** `own`: this tab's requests in flight while /metrics is read (the read itself, its event stream). */
export function sampleOf(text: string, at: number, own = 1): Sample {
  const series = parseMetrics(text);
  const sum = (name: string, keep: (labels: Record<string, string>) => boolean = () => true) =>
    series.filter((s) => s.name === name && keep(s.labels)).reduce((a, s) => a + s.value, 0);
  const memory = series.find((s) => s.name === "process_resident_memory_bytes");
  const queued = series.find((s) => s.name === "proxy_fleet_queue_length");
  const agentRuns: Sample["agentRuns"] = {};
  for (const s of series) {
    if (s.name !== "proxy_agent_runs_total" || !s.labels.agent) continue;
    const runs = agentRuns[s.labels.agent] ?? { total: 0, failed: 0 };
    agentRuns[s.labels.agent] = runs;
    runs.total += s.value;
    if (s.labels.outcome === "error" || s.labels.outcome === "upstream_error") runs.failed += s.value;
  }
  return {
    at,
    requests: sum("proxy_requests_total", (l) => !DASHBOARD_ROUTES.has(l.route ?? "")),
    errors: sum(
      "proxy_request_outcomes_total",
      (l) => l.outcome === "error" || l.outcome === "upstream_error",
    ),
    ttfbSum: sum("proxy_stream_first_byte_seconds_sum"),
    ttfbCount: sum("proxy_stream_first_byte_seconds_count"),
    inputTokens: sum("gen_ai_client_token_usage_sum", (l) => l.gen_ai_token_type === "input"),
    outputTokens: sum("gen_ai_client_token_usage_sum", (l) => l.gen_ai_token_type === "output"),
    ttftSum: sum("gen_ai_server_time_to_first_token_seconds_sum"),
    ttftCount: sum("gen_ai_server_time_to_first_token_seconds_count"),
    // The poll that reads the gauge is itself in flight, and so is the tab's open /events stream.
    inFlight: Math.max(0, sum("proxy_requests_in_flight") - own),
    queued: queued ? queued.value : null,
    queueWaitSum: sum("proxy_fleet_queue_wait_seconds_sum"),
    queueWaitCount: sum("proxy_fleet_queue_wait_seconds_count"),
    memory: memory ? memory.value : null,
    agentRuns,
  };
}

export function pointBetween(a: Sample, b: Sample): Point {
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  // A restarted proxy starts its counters again: never chart a negative rate.
  const delta = (x: number, y: number) => Math.max(0, y - x);
  const streams = delta(a.ttfbCount, b.ttfbCount);
  const firstTokens = delta(a.ttftCount, b.ttftCount);
  const dequeued = delta(a.queueWaitCount, b.queueWaitCount);
  return {
    at: b.at,
    requestsPerSecond: delta(a.requests, b.requests) / seconds,
    errorsPerSecond: delta(a.errors, b.errors) / seconds,
    ttfbMs: streams > 0 ? (delta(a.ttfbSum, b.ttfbSum) / streams) * 1000 : null,
    outputTokensPerSecond: delta(a.outputTokens, b.outputTokens) / seconds,
    ttftMs: firstTokens > 0 ? (delta(a.ttftSum, b.ttftSum) / firstTokens) * 1000 : null,
    inFlight: b.inFlight,
    queued: b.queued,
    queueWaitMs: dequeued > 0 ? (delta(a.queueWaitSum, b.queueWaitSum) / dequeued) * 1000 : null,
  };
}
