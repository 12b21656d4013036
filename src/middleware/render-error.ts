// Renders any error once, in the dialect of the route that failed.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ollamaErrorResponse, openAIErrorResponse, ProxyError, toProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { isAbortError } from "../upstream/network-error.ts";

/** 499 is what Ollama logs when the client leaves first; nobody reads the body. */
const CLIENT_CLOSED = 499;

export function renderError(err: unknown, c: Context<AppEnv>, basePath: string): Response {
  const info = c.get("info");
  if (isAbortError(err) || c.req.raw.signal.aborted) {
    if (info) info.outcome = "cancelled";
    return new Response(null, { status: CLIENT_CLOSED });
  }
  const proxyError =
    err instanceof HTTPException
      ? new ProxyError(err.status, err.message || "bad request")
      : toProxyError(err);
  if (info) {
    info.outcome = proxyError.origin === "upstream" ? "upstream_error" : "error";
    info.error = proxyError.message;
    if (!(err instanceof ProxyError) && !(err instanceof HTTPException)) {
      info.logger.error("unhandled error", {
        error: err,
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
  }
  const path = c.req.path.slice(basePath.length);
  return path.startsWith("/v1/")
    ? openAIErrorResponse(proxyError)
    : ollamaErrorResponse(proxyError.status, proxyError.message);
}
