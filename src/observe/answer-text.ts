// The completion text of an answer the proxy relays unread (the fast path), for a span when content
// capture is on: its NDJSON lines (or its one object) are parsed on their way through, and the bytes
// go on as they came. Nothing of this runs with capture off.
import type { InferenceChunk } from "../wire/ollama.ts";

/** A line longer than this is left out of the text (it still goes to the client, whole). */
const MAX_LINE_CHARS = 8 * 1024 * 1024;

export class AnswerText {
  /** The text so far: all of it once the answer is over, what came before a cut otherwise. */
  text = "";
  private pending = "";
  private skipping = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly contentOf: (chunk: InferenceChunk) => string) {}

  /** A pass-through that reads the text on the way. */
  stream(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: (chunk, controller) => {
        controller.enqueue(chunk);
        this.read(this.decoder.decode(chunk, { stream: true }));
      },
      flush: () => {
        this.read(this.decoder.decode());
        if (!this.skipping) this.line(this.pending);
        this.pending = "";
      },
    });
  }

  private read(text: string): void {
    let from = 0;
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", from)) {
      if (this.skipping) this.skipping = false;
      else this.line(this.pending + text.slice(from, at));
      this.pending = "";
      from = at + 1;
    }
    if (this.skipping) return;
    this.pending += text.slice(from);
    if (this.pending.length > MAX_LINE_CHARS) {
      this.pending = "";
      this.skipping = true;
    }
  }

  private line(line: string): void {
    if (line.trim() === "") return;
    try {
      const chunk = JSON.parse(line) as unknown;
      if (chunk && typeof chunk === "object") this.text += this.contentOf(chunk as InferenceChunk);
    } catch {
      // Not JSON: the client gets it as it is; there is no text in it to keep.
    }
  }
}
