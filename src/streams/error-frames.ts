// How each dialect says "this stream failed" once the status line has already gone out as 200.
import { anthropicErrorBody, openAIErrorObject } from "../errors.ts";
import type { Dialect } from "../types.ts";

const encoder = new TextEncoder();

/** Ollama's in-band error: a last NDJSON line `{"error":"..."}` (both official clients raise it). */
export function ndjsonErrorLine(message: string): Uint8Array {
  return encoder.encode(`${JSON.stringify({ error: message })}\n`);
}

/** An SSE event the `openai` client raises as an APIError (it throws on data carrying `error`). */
export function sseErrorEvent(message: string, status = 500): string {
  return `data: ${JSON.stringify(openAIErrorObject(message, status))}\n\n`;
}

/**
 * The frame for a response's content type; other bodies just error (the client sees a broken body).
 * `after` is the last chunk already sent: a frame never glues onto a line (or event) the upstream left
 * unfinished, so the client reads it as a frame of its own.
 */
export function errorFrameFor(
  contentType: string | null,
  dialect?: Dialect,
): ((message: string, after?: Uint8Array) => Uint8Array) | null {
  if (!contentType) return null;
  if (contentType.includes("application/x-ndjson"))
    return (message, after) => withBreak(ndjsonErrorLine(message), after, 1);
  // Anthropic's SDKs ignore an unnamed event: theirs is `event: error` (a stopped stream would look finished).
  if (contentType.includes("text/event-stream") && dialect === "anthropic")
    return (message, after) =>
      withBreak(
        encoder.encode(`event: error\ndata: ${JSON.stringify(anthropicErrorBody(message, 500))}\n\n`),
        after,
        2,
      );
  if (contentType.includes("text/event-stream"))
    return (message, after) => withBreak(encoder.encode(sseErrorEvent(message)), after, 2);
  return null;
}

const NEWLINE = 10;

/** Prefixes the newlines that `after` lacks to end its line (1) or its SSE event (2). */
function withBreak(frame: Uint8Array, after: Uint8Array | undefined, newlines: 1 | 2): Uint8Array {
  if (!after || after.byteLength === 0) return frame;
  let ending = 0;
  while (ending < newlines && after[after.byteLength - 1 - ending] === NEWLINE) ending++;
  const missing = newlines - ending;
  if (missing === 0) return frame;
  const out = new Uint8Array(missing + frame.byteLength);
  out.fill(NEWLINE, 0, missing);
  out.set(frame, missing);
  return out;
}
