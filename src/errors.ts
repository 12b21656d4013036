// The one error type the proxy throws, and its rendering in the Ollama and OpenAI dialects.

export type ErrorOrigin = "proxy" | "upstream";

/** An error with an HTTP status and the side that caused it; rendered once, in the route's dialect. */
export class ProxyError extends Error {
  override readonly name = "ProxyError";
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
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

/** Ollama's error envelope: `{"error": "..."}` with a JSON content type so ollama-js shows the text. */
export function ollamaErrorResponse(status: number, message: string, headers?: Bun.HeadersInit): Response {
  const res = new Response(JSON.stringify({ error: message }), { status, headers: JSON_HEADERS });
  if (headers) for (const [k, v] of new Headers(headers)) res.headers.set(k, v);
  return res;
}

export function openAIErrorType(status: number): string {
  if (status === 400 || status === 413 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  return "api_error";
}

export function openAIErrorObject(
  message: string,
  status: number,
  param: string | null = null,
  code: string | null = null,
) {
  return { error: { message, type: openAIErrorType(status), param, code } };
}

export function openAIErrorResponse(err: {
  status: number;
  message: string;
  param?: string | null;
  code?: string | null;
}): Response {
  return new Response(
    JSON.stringify(openAIErrorObject(err.message, err.status, err.param ?? null, err.code ?? null)),
    {
      status: err.status,
      headers: JSON_HEADERS,
    },
  );
}

/** Any thrown value as a ProxyError (unknown failures are the proxy's own 500s). */
export function toProxyError(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProxyError(500, `internal proxy error: ${message}`);
}
