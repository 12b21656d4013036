// Each dialect's `onError`: the thrown value as a response in that dialect's envelope.
import type { ErrorHandler } from "hono";
import { isAbortError } from "../abort.ts";
import { ollamaErrorResponse, ProxyError, toProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

/** 499 is what Ollama logs when the client leaves first; nobody reads the body. */
export const CLIENT_CLOSED = 499;

/** Builds an onError for a sub-app; the access-log middleware reads `c.error` for the log line. */
export function errorHandler(render: (err: ProxyError) => Response): ErrorHandler<AppEnv> {
  return function renderError(err, c) {
    // Cancelled by an operator (src/middleware/running-requests.ts), the client is still there to be told.
    const cancel = c.get("cancelled");
    const cancelled = cancel?.aborted && cancel.reason instanceof ProxyError ? cancel.reason : null;
    if (!cancelled && (isAbortError(err) || c.req.raw.signal.aborted))
      return new Response(null, { status: CLIENT_CLOSED });
    const proxyError = cancelled ?? toProxyError(err);
    const res = render(proxyError);
    // A full queue (src/fleet/queue.ts) says when to try again, in every dialect.
    if (proxyError.retryAfterSeconds) res.headers.set("retry-after", String(proxyError.retryAfterSeconds));
    return res;
  };
}

export const ollamaErrors = errorHandler((err) => ollamaErrorResponse(err.status, err.message));
