// A client that stops sending its request body mid-way gets 408 instead of holding its socket forever.

import type { MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { concatBytes } from "../streams/concat-bytes.ts";
import { stallGuard } from "../streams/stall-guard.ts";
import type { AppEnv } from "../types.ts";
import { refuse } from "./body-limit.ts";

/**
 * Bun's own timer cannot do this job: request-context lifts it for the whole request (model loads
 * are silent for minutes), and while a body arrives Bun re-arms it only at 16 KB/s or more. So the
 * body gets its own clock. The 408 is thrown from inside the route's body read, so each dialect's
 * onError renders it; the connection is then closed, since the rest of the body never came.
 */
export function bodyTimeout(timeoutMs: number, basePath = ""): MiddlewareHandler<AppEnv> {
  const message = `request body timed out: the client sent nothing for ${timeoutMs} ms (BODY_TIMEOUT_MS)`;
  return async function bodyTimeoutMiddleware(c, next) {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = Number(raw.headers.get("content-length") ?? Number.NaN);
    if (declared <= SMALL_BODY && !raw.headers.has("transfer-encoding")) {
      // A small declared body (every ordinary chat) is read natively against one deadline: wrapping it
      // in a JS stream made each request cost about 100 µs more CPU, and its readers the slow path.
      const bytes = await readGuarded(raw.body, timeoutMs);
      if (bytes === null) {
        const path = c.req.path;
        const route = path.startsWith(basePath) ? path.slice(basePath.length) || "/" : path;
        const res = refuse(c, route, new ProxyError(408, message));
        closeAfter(res);
        return res;
      }
      c.req.raw = new Request(raw, { body: bytes, signal: raw.signal });
      return next();
    }
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

/** Bodies up to this declared size are read whole before the route runs. */
const SMALL_BODY = 1024 * 1024;

/** The whole body, or null when the sender pauses longer than `ms` between two pieces of it. */
async function readGuarded(body: ReadableStream<Uint8Array>, ms: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), ms);
      });
      const next = await Promise.race([reader.read(), late]);
      clearTimeout(timer);
      if (next === null) return null;
      if (next.done) break;
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return concatBytes(chunks, size);
}

function closeAfter(res: Response): void {
  try {
    res.headers.set("connection", "close");
  } catch {
    // Immutable headers (a fetched Response): Bun's idle timer still closes the socket later.
  }
}
