// Requests running now that an operator may cancel by id (the dashboard's Cancel): each POST gets a
// signal that aborts when its client leaves or when it is cancelled, with the reason the client is told.
import type { MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

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
      c.set("cancelled", controller.signal);
      // The request's signal (http/request-body.ts requestSignal) is the cancel's own, which the
      // client's abort is forwarded into: a listener costs less than AbortSignal.any or a new Request.
      const clientSignal = c.req.raw.signal;
      if (clientSignal.aborted) controller.abort(clientSignal.reason);
      else
        clientSignal.addEventListener("abort", () => controller.abort(clientSignal.reason), { once: true });
      c.set("signal", controller.signal);
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
