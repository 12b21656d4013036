// Remembers just enough of a relayed NDJSON body to read its last line once it ends: O(1) per chunk.
import { concatBytes } from "./concat-bytes.ts";

/** A final line longer than this (a huge `context` array) is not checked rather than kept whole. */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;
const NEWLINE = 10;

/**
 * Keeps the chunks since the last one that ended a line: the last line of the body lies inside them
 * (it starts after a newline, and no newline before that chunk's end can be later than its start).
 * Per chunk it looks at the first and last bytes; finding the line boundaries waits for the end.
 */
export class LastLineKeeper {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  private lineEnded = true;
  private overflowed = false;

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    // A blank chunk after a finished line (a stray trailing newline) does not start a new line.
    if (this.lineEnded && !isBlank(chunk)) {
      this.chunks.length = 0;
      this.kept = 0;
      this.overflowed = false;
    }
    this.chunks.push(chunk);
    this.kept += chunk.byteLength;
    while (this.kept > MAX_KEPT_BYTES && this.chunks.length > 1) {
      this.kept -= (this.chunks.shift() as Uint8Array).byteLength;
      this.overflowed = true;
    }
    this.lineEnded = chunk[chunk.byteLength - 1] === NEWLINE;
  }

  /** The body's last line without its newline (empty when nothing came); null when too long to keep. */
  lastLine(): Uint8Array | null {
    if (this.overflowed) return null;
    if (this.kept === 0) return new Uint8Array(0);
    const bytes = concatBytes(this.chunks, this.kept);
    let end = bytes.byteLength;
    while (end > 0 && isSpace(bytes[end - 1] as number)) end--;
    const start = bytes.lastIndexOf(NEWLINE, end - 1) + 1;
    return bytes.subarray(start, end);
  }
}

/** Stops at the first visible byte: a line of JSON costs one comparison. */
function isBlank(chunk: Uint8Array): boolean {
  for (let i = 0; i < chunk.byteLength; i++) if (!isSpace(chunk[i] as number)) return false;
  return true;
}

function isSpace(byte: number): boolean {
  return byte === NEWLINE || byte === 13 || byte === 32 || byte === 9;
}
