// Anthropic's SSE framing: `event: <type>` and a JSON payload whose `type` repeats it.
import { anthropicErrorBody } from "../errors.ts";

/** JSON.stringify escapes newlines, so a payload can never break the framing. */
export function sseEvent(type: string, payload: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
}

/** A failure after the status line went out; the SDKs raise it as an APIError of the error's type. */
export function sseErrorEvent(message: string, status: number): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(message, status))}\n\n`;
}
