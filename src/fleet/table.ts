// The per-server table of /health: state, version, models, loaded, in flight, queue, breaker, latency.
import { isHealthy } from "./choose.ts";
import type { Fleet } from "./fleet.ts";

export function fleetTable(fleet: Fleet) {
  const now = Date.now();
  return {
    queued: fleet.queued(),
    servers: fleet
      .members()
      .filter((m) => !m.removed)
      .map((m) => ({
        name: m.name,
        url: m.client.baseUrl,
        state:
          m.checkedAt === null && m.breaker.state === "closed"
            ? "unknown"
            : isHealthy(m, now)
              ? "up"
              : "down",
        breaker: m.breaker.state,
        version: m.version,
        models: m.models ? m.models.size : null,
        loaded: [...m.loaded.values()].map((r) => r.name),
        inFlight: m.inFlight,
        maxConcurrent: m.spec.maxConcurrent || null,
        weight: m.spec.weight,
        latencyMs: m.latencyMs,
        checkedAt: m.checkedAt === null ? null : new Date(m.checkedAt).toISOString(),
        ...(m.lastError ? { error: m.lastError } : {}),
      })),
  };
}
