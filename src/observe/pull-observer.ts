// Watches every pull for the metrics (count, bytes, duration, failures), the event stream (progress
// at most a few times a second) and a span of its own trace (a pull is shared by all who wait on it).
import type { LlmMetrics } from "../metrics/llm-metrics.ts";
import type { PullObserver } from "../models/index.ts";
import type { EventBus } from "./event-bus.ts";
import type { Tracing } from "./tracing.ts";

/** Ollama sends a progress line per chunk downloaded; subscribers get at most one per layer this often. */
const PROGRESS_EVERY_MS = 250;

export function pullObserver(deps: {
  metrics: LlmMetrics;
  events: EventBus;
  tracing: Tracing | null;
}): PullObserver {
  return {
    started(model) {
      const span = deps.tracing?.background(`pull ${model}`, {
        "gen_ai.provider.name": "ollama",
        "gen_ai.request.model": model,
        "url.path": "/api/pull",
      });
      let lastStatus = "";
      let lastAt = 0;
      return {
        line(line) {
          if (!deps.events.size || typeof line.status !== "string") return;
          const now = Date.now();
          if (line.status === lastStatus && now - lastAt < PROGRESS_EVERY_MS) return;
          lastStatus = line.status;
          lastAt = now;
          const event: Parameters<EventBus["publish"]>[0] = {
            type: "pull.progress",
            model,
            status: line.status,
          };
          if (typeof line.digest === "string") event.digest = line.digest;
          if (typeof line.completed === "number") event.completed = line.completed;
          if (typeof line.total === "number") event.total = line.total;
          deps.events.publish(event);
        },
        finished(outcome, { ms, bytes }) {
          const result = outcome.ok ? "ok" : outcome.cancelled ? "cancelled" : "error";
          deps.metrics.pulled({ model, outcome: result, bytes, ms });
          const error = outcome.ok ? undefined : outcome.message;
          deps.events.publish({
            type: "pull.finished",
            model,
            outcome: result,
            ms,
            ...(error ? { error } : {}),
          });
          span?.end(
            { "proxy.pull.bytes": bytes, "proxy.pull.outcome": result },
            result === "error" ? error : undefined,
          );
        },
      };
    },
  };
}
