// What the event stream says about a finished request: the record without anything bulky, plus
// the model loads and unloads the answer revealed.
import type { EventBus } from "../observe/event-bus.ts";
import type { AccessRecord } from "../types.ts";

/** A load this long is a cold start, not the scheduler's few milliseconds for a loaded model. */
const COLD_LOAD_MS = 500;

export function publishRecord(events: EventBus, record: AccessRecord): void {
  const { hooks, agentCalls, ...rest } = record;
  const summary: Record<string, unknown> = { ...rest };
  if (hooks)
    summary.hooks = hooks.map((h) => ({
      agent: h.agent,
      hook: h.hook,
      busyMs: Math.round(h.busyMs * 10) / 10,
    }));
  if (agentCalls) summary.agentCalls = agentCalls.length;
  events.publish({ type: "request.finished", record: summary });
  if (!record.model || record.status !== 200) return;
  if (record.finishReason === "unload") {
    events.publish({ type: "model.unloaded", model: record.model, requestId: record.id });
  } else if (record.finishReason === "load" || (record.loadMs ?? 0) >= COLD_LOAD_MS) {
    events.publish({
      type: "model.loaded",
      model: record.model,
      loadMs: record.loadMs,
      requestId: record.id,
    });
  }
}
