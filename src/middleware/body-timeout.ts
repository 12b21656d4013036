// A client that stops sending its request body mid-way gets 408 instead of holding its socket forever.
import type { MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { stallGuard } from "../streams/stall-guard.ts";
import type { AppEnv } from "../types.ts";

/**
 * Bun's own timer cannot do this job: request-context lifts it for the whole request (model loads
 * are silent for minutes), and while a body arrives Bun re-arms it only at 16 KB/s or more. So the
 * body gets its own clock. The 408 is thrown from inside the route's body read, so each dialect's
 * onError renders it; the connection is then closed, since the rest of the body never came.
 */
export function bodyTimeout(timeoutMs: number): MiddlewareHandler<AppEnv> {
  const message = `request body timed out: the client sent nothing for ${timeoutMs} ms (BODY_TIMEOUT_MS)`;
  return async function bodyTimeoutMiddleware(c, next) {
    const raw = c.req.raw;
    if (!raw.body) return next();
    let stalled = false;
    const body = stallGuard(raw.body, timeoutMs, () => {
      stalled = true;
      return new ProxyError(408, message);
    });
    // The signal is passed on so that a client going away still aborts what the route started.
    c.req.raw = new Request(raw, { body, duplex: "half", signal: raw.signal } as RequestInit);
    await next();
    if (stalled) closeAfter(c.res);
  };
}

function closeAfter(res: Response): void {
  try {
    res.headers.set("connection", "close");
  } catch {
    // Immutable headers (a fetched Response): Bun's idle timer still closes the socket later.
  }
}
