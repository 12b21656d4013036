// Response builders in the exact shapes, content types and JSON escaping Ollama (gin + Go json) uses.

/** Go's json.Marshal escapes <, >, & and the JS line separators; mirror it so bytes match Ollama. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** gin's c.JSON: successful one-shot native responses. */
export function jsonOk(body: unknown, status = 200): Response {
  return new Response(goJson(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** Errors raised before a stream starts and stream:false pull/push/create results (no charset). */
export function jsonPlain(body: unknown, status = 200): Response {
  return new Response(goJson(body), { status, headers: { "content-type": "application/json" } });
}

export function ollamaError(status: number, message: string): Response {
  return jsonPlain({ error: message }, status);
}

const OPENAI_ERROR_TYPES: Record<number, string> = { 400: "invalid_request_error", 404: "not_found_error" };

/** The /v1 error envelope; the type follows the status like Ollama's openai middleware. */
export function openaiError(status: number, message: string): Response {
  const type = OPENAI_ERROR_TYPES[status] ?? "api_error";
  return jsonPlain({ error: { message, type, param: null, code: null } }, status);
}

/** gin's plain-text bodies (404/405) use "text/plain" without a charset. */
export function plainText(status: number, text: string, contentType = "text/plain"): Response {
  return new Response(text, { status, headers: { "content-type": contentType } });
}

/** c.Status(n): no body and no content type (copy, delete, blob upload, rejected Host). */
export function emptyResponse(status: number): Response {
  return new Response(null, { status });
}

export const NDJSON = "application/x-ndjson";
export const SSE = "text/event-stream";
