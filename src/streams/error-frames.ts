// How each dialect says "this stream failed" once the status line has already gone out as 200.
import { openAIErrorObject } from "../errors.ts";

const encoder = new TextEncoder();

/** Ollama's in-band error: a last NDJSON line `{"error":"..."}` (both official clients raise it). */
export function ndjsonErrorLine(message: string): Uint8Array {
  return encoder.encode(`${JSON.stringify({ error: message })}\n`);
}

/** An SSE event the `openai` client raises as an APIError (it throws on data carrying `error`). */
export function sseErrorEvent(message: string, status = 500): string {
  return `data: ${JSON.stringify(openAIErrorObject(message, status))}\n\n`;
}

/** The frame for a response's content type; other bodies just error (the client sees a broken body). */
export function errorFrameFor(contentType: string | null): ((message: string) => Uint8Array) | null {
  if (!contentType) return null;
  if (contentType.includes("application/x-ndjson")) return ndjsonErrorLine;
  if (contentType.includes("text/event-stream")) return (message) => encoder.encode(sseErrorEvent(message));
  return null;
}
