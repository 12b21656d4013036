// The fleet's figures on /metrics: each server up or down and its requests in flight, read when
// scraped, and the queue's length and waits.
import { Gauge, Histogram, LabelledGauge, type MetricsRegistry } from "./registry.ts";

/** What the fleet looks like now (structurally the fleet's table, src/fleet/table.ts). */
export interface FleetView {
  queued: number;
  servers: ReadonlyArray<{ name: string; state: string; inFlight: number }>;
}

export interface FleetMetrics {
  /** A request left the queue for a server after waiting `ms`. */
  queueWait(ms: number): void;
}

/** Queue waits run from a blink to the queue's limit (FLEET_QUEUE_WAIT_MS, 60 s by default). */
const WAIT_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * Server names are checked by the config schema (letters, digits, `.`, `_`, `-`), so they need no
 * escaping as label values. A server not checked yet (a fleet of one is never polled) has no `up`.
 */
export function addFleetMetrics(registry: MetricsRegistry, view: () => FleetView): FleetMetrics {
  registry.add(
    new LabelledGauge(
      "proxy_upstream_up",
      "1 while an upstream server answers its checks, 0 while it is down.",
      () =>
        view()
          .servers.filter((s) => s.state !== "unknown")
          .map((s) => [`upstream="${s.name}"`, s.state === "up" ? 1 : 0] as const),
    ),
  );
  registry.add(
    new LabelledGauge(
      "proxy_upstream_requests_in_flight",
      "Requests each upstream server is serving now.",
      () => view().servers.map((s) => [`upstream="${s.name}"`, s.inFlight] as const),
    ),
  );
  registry.add(
    new Gauge(
      "proxy_fleet_queue_length",
      "Requests waiting for a server with room (max-concurrent).",
      () => view().queued,
    ),
  );
  const wait = registry.add(
    new Histogram(
      "proxy_fleet_queue_wait_seconds",
      "How long requests waited in the queue for a server.",
      WAIT_SECONDS,
    ),
  );
  return { queueWait: (ms) => wait.observe(ms / 1000, "") };
}
