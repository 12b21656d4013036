// The proxy's own metrics, fed by the end of every request (the same record as the access line).
import type { AccessRecord } from "../types.ts";
import { OLLAMA_ROUTES } from "../wire/ollama.ts";
import { createLlmMetrics, type LlmMetrics } from "./llm-metrics.ts";
import { Counter, Gauge, Histogram, MetricsRegistry } from "./registry.ts";

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The proxy's own routes; with Ollama's, they keep their path as a label. */
const PROXY_ROUTES = new Set([
  "/health",
  "/health/live",
  "/plugins",
  "/models",
  "/metrics",
  "/v1/messages/count_tokens",
]);

/** Known routes keep their path as a label; anything else is "other", so clients cannot blow up cardinality. */
export function routeLabel(path: string): string {
  if (Object.hasOwn(OLLAMA_ROUTES, path) || PROXY_ROUTES.has(path)) return path;
  if (path.startsWith("/api/blobs/")) return "/api/blobs/:digest";
  if (path.startsWith("/v1/models/")) return "/v1/models/:id";
  if (path.startsWith("/plugins/")) return "/plugins/:name";
  return "other";
}

export interface ProxyMetrics {
  registry: MetricsRegistry;
  /** Tokens, first token, load and agent time per model; pulls; dropped spans and subscribers. */
  llm: LlmMetrics;
  started(): void;
  finished(record: AccessRecord): void;
}

export function createProxyMetrics(): ProxyMetrics {
  const registry = new MetricsRegistry();
  let inFlight = 0;
  const requests = registry.add(
    new Counter("proxy_requests_total", "Requests finished, by route, method and status."),
  );
  const duration = registry.add(
    new Histogram("proxy_request_duration_seconds", "Time from request to the last byte sent.", SECONDS),
  );
  const ttfb = registry.add(
    new Histogram("proxy_stream_first_byte_seconds", "Time to the first byte of streamed answers.", SECONDS),
  );
  const bytes = registry.add(
    new Counter("proxy_response_bytes_total", "Response body bytes sent, by route."),
  );
  const outcomes = registry.add(
    new Counter("proxy_request_outcomes_total", "How requests ended: ok, error, upstream_error, cancelled."),
  );
  const agents = registry.add(
    new Counter("proxy_agent_runs_total", "Requests each agent took part in, by outcome."),
  );
  registry.add(new Gauge("proxy_requests_in_flight", "Requests being served right now.", () => inFlight));
  registry.add(
    new Gauge(
      "process_resident_memory_bytes",
      "Resident memory of the proxy process.",
      () => process.memoryUsage().rss,
    ),
  );
  const llm = createLlmMetrics(registry);
  return {
    registry,
    llm,
    started: () => {
      inFlight++;
    },
    finished(r) {
      inFlight--;
      // Every label value here is from a closed set (known routes, HTTP method tokens, status digits,
      // outcome names, agent names matching [a-z0-9_-]), so labels are rendered without escaping.
      const route = `route="${routeLabel(r.route)}"`;
      requests.inc(`${route},method="${r.method}",status="${r.status}"`);
      duration.observe(r.durationMs / 1000, route);
      if (r.ttfbMs !== undefined) ttfb.observe(r.ttfbMs / 1000, route);
      if (r.bytes) bytes.inc(route, r.bytes);
      outcomes.inc(`outcome="${r.outcome}"`);
      for (const agent of r.agents ?? []) agents.inc(`agent="${agent}",outcome="${r.outcome}"`);
      llm.finished(r);
    },
  };
}
