// Bounds the requests one client address has in flight, so one client cannot hold every socket.
import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { errorResponseFor, routeOf } from "../http/dialect-errors.ts";
import type { AppEnv } from "../types.ts";

export interface ClientLimitOptions {
  /** Requests in flight per address; the one past it gets 503. */
  max: number;
  basePath: string;
}

/**
 * Counts from the start of a request to the last byte of its answer (a stream counts until it ends).
 * Health checks are neither counted nor refused: a busy client must not make the proxy look dead to
 * its supervisor. Requests whose address Bun cannot tell (an app driven without a server) pass.
 */
export function clientLimit(opts: ClientLimitOptions): MiddlewareHandler<AppEnv> {
  const inFlight = new Map<string, number>();
  const health = `${opts.basePath}/health`;
  const release = (address: string) => {
    const left = (inFlight.get(address) ?? 1) - 1;
    if (left > 0) inFlight.set(address, left);
    else inFlight.delete(address);
  };
  return async function clientLimitMiddleware(c, next) {
    const address = c.env?.requestIP?.(c.req.raw)?.address;
    const path = c.req.path;
    if (!address || path === health || path.startsWith(`${health}/`)) return next();
    const count = inFlight.get(address) ?? 0;
    if (count >= opts.max) {
      c.res = refusal(c, opts);
      return;
    }
    inFlight.set(address, count + 1);
    c.get("request").onEnd(() => release(address));
    await next();
  };
}

/**
 * This middleware runs before any feature's own onError, so it picks the envelope itself. The body
 * may be unread, so the connection closes after the answer.
 */
function refusal(c: Context<AppEnv>, opts: ClientLimitOptions): Response {
  const err = new ProxyError(
    503,
    `too many requests in flight from this client (MAX_REQUESTS_PER_CLIENT is ${opts.max}); retry when some have finished`,
  );
  const res = errorResponseFor(routeOf(c.req.path, opts.basePath), err, c.get("request")?.id);
  res.headers.set("retry-after", "1");
  res.headers.set("connection", "close");
  // Recorded as Hono records a thrown error, so the access line carries the reason.
  c.error = err;
  return res;
}
