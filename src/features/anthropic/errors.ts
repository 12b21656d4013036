// Anthropic's error envelope, its error types by HTTP status, and the 400 a request translation throws.
import { ProxyError } from "../../errors.ts";

/** A request the proxy refuses before anything reaches Ollama; the message starts with the field's path. */
export class AnthropicRequestError extends ProxyError {
  constructor(message: string, status = 400) {
    super(status, message, "proxy");
  }
}

/** The `error.type` Anthropic gives each status (503 is Ollama's "server busy", which it calls overloaded). */
export function anthropicErrorType(status: number): string {
  if (status === 400 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 503 || status === 529) return "overloaded_error";
  return "api_error";
}

export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
  request_id?: string;
}

export function anthropicErrorBody(message: string, status: number, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = { type: "error", error: { type: anthropicErrorType(status), message } };
  if (requestId) body.request_id = requestId;
  return body;
}

export function anthropicErrorResponse(err: ProxyError, requestId?: string): Response {
  return new Response(JSON.stringify(anthropicErrorBody(err.message, err.status, requestId)), {
    status: err.status,
    headers: { "content-type": "application/json" },
  });
}
