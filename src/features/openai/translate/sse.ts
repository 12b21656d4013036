// Server-sent-event framing shared by the /v1 stream renderers.
import { sseErrorEvent } from "../../../streams/error-frames.ts";

/** One `data:` event. JSON.stringify escapes newlines, so a payload can never break the framing. */
export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";

/**
 * An in-band failure. The openai npm client throws an APIError for any parsed event with an `error`
 * key, so a failed stream is never mistaken for a finished one (Ollama's compat layer drops these).
 */
export const sseError = sseErrorEvent;
