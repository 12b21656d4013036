// 401, 403 and 429 in the dialect of the route, as that route's own sub-app would answer:
// Anthropic's envelope on /v1/messages, OpenAI's on the rest of /v1, Ollama's everywhere else.
import type { Context } from "hono";
import { ollamaErrorResponse, openAIErrorResponse, ProxyError } from "../errors.ts";
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
  const res = render(route, err);
  if (err.status === 401) res.headers.set("www-authenticate", 'Bearer realm="ollama-smart-proxy"');
  for (const [name, value] of Object.entries(extraHeaders ?? {})) res.headers.set(name, value);
  return res;
}

function render(route: string, err: ProxyError): Response {
  if (route === "/v1/messages" || route.startsWith("/v1/messages/")) return anthropicError(err);
  if (route.startsWith("/v1/")) return openAIErrorResponse(err);
  return ollamaErrorResponse(err.status, err.message);
}

const ANTHROPIC_TYPES: Record<number, string> = {
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
};

function anthropicError(err: ProxyError): Response {
  const body = {
    type: "error",
    error: { type: ANTHROPIC_TYPES[err.status] ?? "api_error", message: err.message },
  };
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { "content-type": "application/json" },
  });
}
