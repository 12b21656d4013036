// The one error type the proxy throws, and its envelopes in the Ollama, OpenAI and Anthropic dialects.

export type ErrorOrigin = "proxy" | "upstream";

/** An error with an HTTP status and the side that caused it; rendered once, in the route's dialect. */
export class ProxyError extends Error {
  override readonly name: string = "ProxyError";
  constructor(
    readonly status: number,
    message: string,
    readonly origin: ErrorOrigin = "proxy",
    /** OpenAI-only extras: which request field was wrong, and a machine code. */
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
  /** Sent as Retry-After with the error response (a full fleet queue). */
  retryAfterSeconds?: number;
}

/**
 * A model the upstream lacks and the proxy could not (or may not) pull. The message keeps Ollama's own
 * words first — clients and scripts match on `model 'x' not found` — and says why after them.
 */
export class ModelUnavailableError extends ProxyError {
  override readonly name = "ModelUnavailableError";
  constructor(
    readonly model: string,
    /** Why it could not be had: the pull's outcome or the setting that forbids pulling it. */
    readonly reason: string,
    status = 404,
  ) {
    const origin = status === 404 ? "proxy" : "upstream";
    super(
      status,
      `model '${model}' not found (${reason})`,
      origin,
      null,
      status === 404 ? "model_not_found" : null,
    );
  }
}

/** Any thrown value as a ProxyError (unknown failures are the proxy's own 500s). */
export function toProxyError(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  // Hono's HTTPException (and other errors carrying an HTTP status) keep their status.
  const status = (err as { status?: unknown } | null)?.status;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof status === "number" && status >= 400 && status < 600)
    return new ProxyError(status, message || "bad request");
  return new ProxyError(500, `internal proxy error: ${message}`);
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

/** Ollama's error envelope: `{"error": "..."}` with a JSON content type so ollama-js shows the text. */
export function ollamaErrorResponse(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), { status, headers: JSON_HEADERS });
}

/** The `type` OpenAI (and Ollama's /v1) gives each status. */
export function openAIErrorType(status: number): string {
  if (status === 400 || status === 413 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  return "api_error";
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAIErrorObject(
  message: string,
  status: number,
  param: string | null = null,
  code: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type: openAIErrorType(status), param, code } };
}

export function openAIErrorResponse(err: ProxyError): Response {
  return new Response(JSON.stringify(openAIErrorObject(err.message, err.status, err.param, err.code)), {
    status: err.status,
    headers: JSON_HEADERS,
  });
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
    headers: JSON_HEADERS,
  });
}
