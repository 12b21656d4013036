// NDJSON framing: bytes → one parsed object per line, and objects → lines.

const encoder = new TextEncoder();

/** One object per `\n`-terminated line; a partial last line is kept until its newline arrives. */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let newline = pending.indexOf("\n");
      while (newline !== -1) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) yield JSON.parse(line);
        newline = pending.indexOf("\n");
      }
    }
    const rest = (pending + decoder.decode()).trim();
    if (rest) yield JSON.parse(rest);
  } finally {
    // Stopping early (client gone, agent failed) must close the upstream connection too.
    reader.cancel().catch(() => {});
  }
}

export function ndjsonLine(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value)}\n`);
}
