// A client that stops sending its request body mid-way gets 408 instead of holding its socket forever.

import type { MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { stallGuard } from "../streams/stall-guard.ts";
import type { AppEnv } from "../types.ts";
import { refuse } from "./body-limit.ts";

/**
 * A body of up to 64 KB declared with Content-Length (every ordinary chat) must arrive whole within
 * the limit; a larger or chunked one may pause at most that long between pieces, however long it
 * takes in all. Bun's own timer cannot do this job: request-context lifts it for the whole request (model loads
 * are silent for minutes), and while a body arrives Bun re-arms it only at 16 KB/s or more. So the
 * body gets its own clock. The 408 is thrown from inside the route's body read, so each dialect's
 * onError renders it; the connection is then closed, since the rest of the body never came.
 */
export function bodyTimeout(timeoutMs: number, basePath = ""): MiddlewareHandler<AppEnv> {
  const message = `request body timed out: the client sent nothing for ${timeoutMs} ms (BODY_TIMEOUT_MS)`;
  return async function bodyTimeoutMiddleware(c, next) {
    const raw = c.req.raw;
    // Headers first: touching `raw.body` makes Bun build a JS stream, the cost this avoids.
    const chunked = raw.headers.has("transfer-encoding");
    const declared = chunked ? Number.NaN : Number(raw.headers.get("content-length") ?? 0);
    if (declared === 0) return next();
    if (declared <= SMALL_BODY) {
      // Read natively against one deadline: a per-pause clock needs a JS reader around the body, and
      // that made each request cost about 100 µs more CPU at 64 connections (bun bench/ab.ts).
      const bytes = await readGuarded(raw, timeoutMs);
      if (bytes === null) {
        const path = c.req.path;
        const route = path.startsWith(basePath) ? path.slice(basePath.length) || "/" : path;
        const late = `request body timed out: the client did not send its ${declared}-byte body within ${timeoutMs} ms (BODY_TIMEOUT_MS)`;
        const res = refuse(c, route, new ProxyError(408, late));
        closeAfter(res);
        return res;
      }
      c.req.raw = new Request(raw, { body: bytes, signal: raw.signal });
      return next();
    }
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

/**
 * Bodies up to this declared size are read whole before the route runs, against one deadline: at the
 * default 30 s a client must send at least about 2 KB/s, which no real client is slower than.
 */
const SMALL_BODY = 64 * 1024;

/**
 * The whole body, or null when it has not all arrived within `ms`. Read natively (`bytes()`): a body
 * this small takes one read, and a JS reader around it cost more CPU than the rest of the request.
 */
async function readGuarded(raw: Request, ms: number): Promise<Uint8Array | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([raw.bytes(), late]);
  } finally {
    clearTimeout(timer);
  }
}

function closeAfter(res: Response): void {
  try {
    res.headers.set("connection", "close");
  } catch {
    // Immutable headers (a fetched Response): Bun's idle timer still closes the socket later.
  }
}
