// NDJSON framing: bytes → one parsed object per line, and objects → lines.

const encoder = new TextEncoder();

/**
 * One object per `\n`-terminated line; a partial last line is kept until its newline arrives. The
 * type is the caller's promise about the stream (Ollama's wire types); lines are not validated.
 */
export async function* readNdjson<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let start = 0;
      let newline = pending.indexOf("\n");
      while (newline !== -1) {
        const line = pending.slice(start, newline).trim();
        if (line) yield JSON.parse(line) as T;
        start = newline + 1;
        newline = pending.indexOf("\n", start);
      }
      pending = pending.slice(start);
    }
    const rest = (pending + decoder.decode()).trim();
    if (rest) yield JSON.parse(rest) as T;
  } finally {
    // Stopping early (client gone, agent failed) must close the upstream connection too.
    reader.cancel().catch(() => {});
  }
}

/**
 * readNdjson's objects, grouped by the read that brought them: lines that arrived together stay
 * together, so a consumer with a per-call cost (an agent in its own thread) pays it once per group.
 */
export async function* readNdjsonBatches<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T[]> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let start = 0;
      let newline = pending.indexOf("\n");
      const batch: T[] = [];
      while (newline !== -1) {
        const line = pending.slice(start, newline).trim();
        if (line) {
          try {
            batch.push(JSON.parse(line) as T);
          } catch (err) {
            // The lines before a broken one were whole: they still go out, then the failure.
            if (batch.length) yield batch;
            throw err;
          }
        }
        start = newline + 1;
        newline = pending.indexOf("\n", start);
      }
      pending = pending.slice(start);
      if (batch.length) yield batch;
    }
    const rest = (pending + decoder.decode()).trim();
    if (rest) yield [JSON.parse(rest) as T];
  } finally {
    // Stopping early (client gone, agent failed) must close the upstream connection too.
    reader.cancel().catch(() => {});
  }
}

export function ndjsonLine(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value)}\n`);
}
