// Requests running now that an operator may cancel by id (the dashboard's Cancel): each POST gets a
// signal that aborts when its client leaves or when it is cancelled, with the reason the client is told.
import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

/** Each cancellable request's controller, found from the signal the context holds. */
const controllers = new WeakMap<AbortSignal, AbortController>();

/**
 * The request's signal, also aborted by a cancel (when the request can be cancelled): the cancel's
 * own signal, which the client's abort is forwarded into (a listener costs less than AbortSignal.any).
 */
export function withCancel(c: Context<AppEnv>, signal: AbortSignal): AbortSignal {
  const cancelled = c.get("cancelled");
  const controller = cancelled && controllers.get(cancelled);
  if (!controller) return signal;
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}

export class RunningRequests {
  /** By request id; a client may send its own X-Request-Id, so one id can name several requests. */
  private readonly running = new Map<string, Set<AbortController>>();

  /**
   * Only POSTs: they are what runs long (chats, generations, pulls, embeddings); a GET answers at
   * once and stays unwrapped. Mounted after the request context (the id) and before the body is read.
   */
  middleware(): MiddlewareHandler<AppEnv> {
    const running = this.running;
    return async function cancellable(c, next) {
      if (c.req.method !== "POST") return next();
      const id = c.get("request").id;
      const controller = new AbortController();
      controllers.set(controller.signal, controller);
      c.set("cancelled", controller.signal);
      // Every upstream call and wait reads c.req.raw.signal. A request with a body gets a new Request
      // from body-intake, which takes this signal in (wrapping it here too would make Bun read the
      // body through a JS stream: +40% CPU per request); one without a body is wrapped here.
      const raw = c.req.raw;
      if (raw.headers.get("content-length") === null || raw.headers.get("content-length") === "0")
        if (!raw.headers.has("transfer-encoding"))
          c.req.raw = new Request(raw, { signal: withCancel(c, raw.signal) });
      const set = running.get(id) ?? new Set();
      running.set(id, set);
      set.add(controller);
      // Until its record is written: a stream is still running after the route has returned.
      c.get("request").onEnd(() => {
        set.delete(controller);
        if (!set.size && running.get(id) === set) running.delete(id);
      });
      return next();
    };
  }

  /** Aborts the request(s) with this id; false when none is running. */
  cancel(id: string, by: string): boolean {
    const set = this.running.get(id);
    if (!set?.size) return false;
    // 400, not 5xx, 408, 409 or 429: the SDKs (openai, anthropic) retry those, and a retry would run it again.
    const reason = new ProxyError(400, `the request ${id} was cancelled ${by}`, "proxy", null, "cancelled");
    for (const controller of set) controller.abort(reason);
    return true;
  }

  ids(): string[] {
    return [...this.running.keys()];
  }
}
