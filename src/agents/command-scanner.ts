// A cursor over a message for the slash-command parser: every step is linear in what it consumes.

// Sticky (`y`) patterns match exactly at `lastIndex`, so each call reads only what it returns.
const SPACES = /\s*/y;
const WORD = /\S+/y;

export class Scanner {
  pos = 0;
  /** The word found at `peekedAt` (null at the end), so peeking then reading scans it once. */
  private peekedAt = -1;
  private peeked: string | null = null;

  constructor(readonly text: string) {}

  skipSpace(): void {
    SPACES.lastIndex = this.pos;
    SPACES.test(this.text);
    this.pos = SPACES.lastIndex;
  }

  /** The run of non-space characters at the cursor, or null at the end (or on a space). */
  peekWord(): string | null {
    if (this.peekedAt !== this.pos) {
      WORD.lastIndex = this.pos;
      this.peeked = WORD.exec(this.text)?.[0] ?? null;
      this.peekedAt = this.pos;
    }
    return this.peeked;
  }

  readWord(): string | null {
    const word = this.peekWord();
    if (word !== null) this.pos += word.length;
    return word;
  }

  /**
   * A "double-quoted phrase" (when the quote closes) or a word; the cursor is on a non-space. A
   * quote that finds no closing one leaves no `"` after it, so that search happens once per message.
   */
  readArg(): string {
    if (this.text[this.pos] === '"') {
      const close = this.text.indexOf('"', this.pos + 1);
      if (close > this.pos) {
        const phrase = this.text.slice(this.pos + 1, close);
        this.pos = close + 1;
        return phrase;
      }
    }
    return this.readWord() ?? "";
  }

  /** What follows the cursor. */
  rest(): string {
    return this.text.slice(this.pos);
  }
}
