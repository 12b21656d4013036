// NDJSON framing: bytes → one parsed object per line (of bounded length), and objects → lines.
import { ProxyError } from "../errors.ts";

const encoder = new TextEncoder();
const NEWLINE = 0x0a;

/** Four times the longest line Ollama's own Go client reads (api/client.go: 8 MB), see MAX_LINE_MB. */
export const DEFAULT_MAX_LINE_BYTES = 32 * 2 ** 20;

export interface NdjsonOptions {
  /** Longest line, in bytes, counting the partial line still waiting for its newline. */
  maxLineBytes?: number;
}

/** An upstream line past the limit: the request fails rather than the proxy buffering without end. */
export function lineTooLong(maxLineBytes: number): ProxyError {
  const mb = Math.round((maxLineBytes / 2 ** 20) * 100) / 100;
  return new ProxyError(
    502,
    `upstream Ollama sent a line longer than ${mb} MB, the proxy's limit (MAX_LINE_MB)`,
    "upstream",
  );
}

/**
 * Cuts reads into line texts. Lines are cut on bytes (a `\n` byte never occurs inside a UTF-8
 * sequence), so each byte is looked at once however many reads a long line spans, and the pending
 * part of a line is bounded by `maxLineBytes`. Lazy: a line is cut when its consumer asks for it.
 */
function lineCutter(opts: NdjsonOptions) {
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const lineOf = (tail: Uint8Array): string => {
    const length = pendingBytes + tail.byteLength;
    if (length > max) throw lineTooLong(max);
    if (pending.length === 0) return decoder.decode(tail).trim();
    const line = new Uint8Array(length);
    let at = 0;
    for (const part of pending) {
      line.set(part, at);
      at += part.byteLength;
    }
    line.set(tail, at);
    pending = [];
    pendingBytes = 0;
    return decoder.decode(line).trim();
  };
  return {
    /** The non-empty lines this read completes; its unfinished tail waits for the next read. */
    *lines(value: Uint8Array): Generator<string> {
      let start = 0;
      let newline = value.indexOf(NEWLINE);
      while (newline !== -1) {
        const text = lineOf(value.subarray(start, newline));
        if (text) yield text;
        start = newline + 1;
        newline = value.indexOf(NEWLINE, start);
      }
      if (start < value.byteLength) {
        pendingBytes += value.byteLength - start;
        if (pendingBytes > max) throw lineTooLong(max);
        // A short tail is copied so it does not keep the whole read's buffer alive.
        pending.push(start === 0 ? value : value.slice(start));
      }
    },
    /** A last line that ended without a newline ("" when none). */
    rest: () => lineOf(new Uint8Array(0)),
  };
}

/**
 * One object per `\n`-terminated line; a partial last line is kept until its newline arrives. The
 * type is the caller's promise about the stream (Ollama's wire types); lines are not validated.
 */
export async function* readNdjson<T>(
  body: ReadableStream<Uint8Array>,
  opts: NdjsonOptions = {},
): AsyncGenerator<T> {
  const cut = lineCutter(opts);
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const text of cut.lines(value)) yield JSON.parse(text) as T;
    }
    const text = cut.rest();
    if (text) yield JSON.parse(text) as T;
  } finally {
    // Stopping early (client gone, agent failed) must close the upstream connection too.
    reader.cancel().catch(() => {});
  }
}

/**
 * The objects grouped by the read that brought them: lines that arrived together stay together, so
 * a consumer with a per-call cost (an agent in its own thread) pays it once per group. The lines
 * before a broken one were whole: they still go out, then the failure.
 */
export async function* readNdjsonBatches<T>(
  body: ReadableStream<Uint8Array>,
  opts: NdjsonOptions = {},
): AsyncGenerator<T[]> {
  const cut = lineCutter(opts);
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const batch: T[] = [];
      try {
        for (const text of cut.lines(value)) batch.push(JSON.parse(text) as T);
      } catch (err) {
        if (batch.length) yield batch;
        throw err;
      }
      if (batch.length) yield batch;
    }
    const text = cut.rest();
    if (text) yield [JSON.parse(text) as T];
  } finally {
    // Stopping early (client gone, agent failed) must close the upstream connection too.
    reader.cancel().catch(() => {});
  }
}

export function ndjsonLine(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value)}\n`);
}
