// 401, 403 and 429 in the dialect of the route, as that route's own sub-app would answer
// (src/http/dialect-errors.ts); /v1/models speaks Anthropic's to clients that send anthropic-version.
import type { Context } from "hono";
import { anthropicErrorResponse, ProxyError } from "../errors.ts";
import { errorResponseFor } from "../http/dialect-errors.ts";
import type { AppEnv } from "../types.ts";

export function authError(status: number, message: string, code: string | null = null): ProxyError {
  return new ProxyError(status, message, "proxy", null, code);
}

export function refuse(
  c: Context<AppEnv>,
  route: string,
  err: ProxyError,
  extraHeaders?: Record<string, string>,
): Response {
  // Recorded like a thrown error, so the access line says why.
  c.error = err;
  const anthropicModels =
    (route === "/v1/models" || route.startsWith("/v1/models/")) &&
    c.req.header("anthropic-version") !== undefined;
  const res = anthropicModels ? anthropicErrorResponse(err) : errorResponseFor(route, err);
  if (err.status === 401) res.headers.set("www-authenticate", 'Bearer realm="ollama-smart-proxy"');
  for (const [name, value] of Object.entries(extraHeaders ?? {})) res.headers.set(name, value);
  return res;
}
