// Reading Anthropic-style SSE bodies (`event:` + `data:`) the way a strict client would.
import { expect } from "bun:test";

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Every event of a complete body; checks the framing (one `event` and one `data` line, `type` repeated). */
export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((raw) => raw.trim() !== "")
    .map((raw) => {
      const lines = raw.split("\n").filter((l) => !l.startsWith(":"));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toStartWith("event: ");
      expect(lines[1]).toStartWith("data: ");
      const event = (lines[0] ?? "").slice("event: ".length);
      const data = JSON.parse((lines[1] ?? "").slice("data: ".length)) as Record<string, unknown>;
      expect(data.type).toBe(event);
      return { event, data };
    });
}

/** Reads a streamed body until `seen` holds for the text so far (or the body ends); returns that text. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: (text: string) => boolean,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!seen(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

export const eventNames = (events: SseEvent[]) => events.map((e) => e.event).join(" ");
