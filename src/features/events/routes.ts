// GET /events: a live Server-Sent Events stream of what the proxy does (requests started and
// finished, without bodies; pull progress; models loaded and unloaded; agents reloaded or failed).
import { Hono } from "hono";
import type { EventBus } from "../../observe/event-bus.ts";
import type { AppEnv } from "../../types.ts";

export interface EventsDeps {
  events: EventBus;
  /** EVENTS_BUFFER: events one subscriber may have waiting before it is dropped. */
  buffer: number;
}

export function createEventsRoutes(deps: EventsDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/events", () => {
    const body = deps.events.stream(deps.buffer);
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        // Reverse proxies (nginx) would otherwise hold the events back to fill a buffer.
        "x-accel-buffering": "no",
      },
    });
  });
  return app;
}
