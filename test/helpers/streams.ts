// Test helpers for reading response bodies the way a client would.

/** Reads an NDJSON body fully into parsed lines. */
export async function ndjsonLines(res: Response): Promise<Array<Record<string, unknown>>> {
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** Reads the next chunk of a body as text (undefined at the end). */
export async function nextText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string | undefined> {
  const { done, value } = await reader.read();
  return done ? undefined : new TextDecoder().decode(value);
}

/** A request body stream of `total` zero bytes in `chunk`-sized pieces, made on the fly. */
export function zeroStream(total: number, chunk = 1 << 20): ReadableStream<Uint8Array> {
  let sent = 0;
  const piece = new Uint8Array(chunk);
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      controller.enqueue(n === chunk ? piece : piece.subarray(0, n));
      sent += n;
    },
  });
}

export async function sha256OfZeros(total: number, chunk = 1 << 20): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  const piece = new Uint8Array(chunk);
  for (let sent = 0; sent < total; sent += chunk)
    hasher.update(piece.subarray(0, Math.min(chunk, total - sent)));
  return `sha256:${hasher.digest("hex")}`;
}
