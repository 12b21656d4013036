// Watches streamed text for the client's stop sequences, holding back only what could start one.

export interface Scanned {
  /** Text that can go to the client now. */
  text: string;
  /** The stop sequence found; `text` ends just before it and nothing after it may be sent. */
  hit: string | null;
}

/**
 * The proxy enforces `stop_sequences` itself instead of passing them to Ollama as `options.stop`:
 * Ollama strips a matched sequence and reports a plain `stop`, so the answer could not say which one
 * (or whether one) ended it. The upstream is cancelled once a sequence is seen.
 */
export class StopScanner {
  private held = "";

  constructor(private readonly stops: readonly string[]) {}

  push(text: string): Scanned {
    if (this.stops.length === 0) return { text, hit: null };
    const buffer = this.held + text;
    let at = -1;
    let hit: string | null = null;
    for (const stop of this.stops) {
      const i = buffer.indexOf(stop);
      if (i !== -1 && (at === -1 || i < at)) [at, hit] = [i, stop];
    }
    if (hit !== null) {
      this.held = "";
      return { text: buffer.slice(0, at), hit };
    }
    const keep = this.partialTail(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { text: buffer.slice(0, buffer.length - keep), hit: null };
  }

  /** What was held back when the answer ends without reaching a stop sequence. */
  flush(): string {
    const held = this.held;
    this.held = "";
    return held;
  }

  /** Length of the longest end of `buffer` that is the beginning of some stop sequence. */
  private partialTail(buffer: string): number {
    let best = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, buffer.length); n > best; n--) {
        if (buffer.endsWith(stop.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
