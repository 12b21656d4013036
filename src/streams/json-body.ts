// A JSON request body for the upstream that does not copy its largest strings (base64 images) again.

const encoder = new TextEncoder();

/** Strings from this length on are not copied into the serialised body but streamed from where they are. */
const LARGE = 256 * 1024;
/** How much of a large string is encoded per read of the stream. */
const SLICE = 256 * 1024;
/** Characters that never need escaping in a JSON string and are one byte each in UTF-8: base64. */
const PLAIN = /^[A-Za-z0-9+/=]*$/;

export interface StreamedJson {
  stream: ReadableStream<Uint8Array>;
  /** Exact byte length, so the upstream still gets a Content-Length rather than a chunked body. */
  length: number;
}

/**
 * `JSON.stringify(value)`, as a string when the value holds no large string. Otherwise, a stream of
 * the same bytes: the small parts serialised once, each large string encoded slice by slice as it is
 * sent. A 50 MB image then costs the proxy no 50 MB serialised copy (twice that as UTF-16 when
 * anything else in the body is not Latin-1) and no 50 MB encoded copy on top.
 */
export function jsonBody(value: unknown): string | StreamedJson {
  if (!hasLargeString(value, 0)) return JSON.stringify(value);
  const large: string[] = [];
  // A nonce no client string can foresee marks where each large string goes.
  const mark = `\u0000large-${crypto.randomUUID()}-`;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "string" || v.length < LARGE) return v;
    large.push(v);
    return mark + (large.length - 1);
  });
  const parts: Array<Uint8Array | string> = [];
  let length = 0;
  let from = 0;
  large.forEach((str, i) => {
    const quoted = JSON.stringify(mark + i);
    const at = text.indexOf(quoted, from);
    const before = encoder.encode(text.slice(from, at));
    parts.push(before);
    length += before.byteLength;
    if (PLAIN.test(str)) {
      parts.push(str);
      length += str.length + 2;
    } else {
      // Text that needs escaping is escaped now, slice by slice; still one copy instead of two.
      for (const piece of escapedSlices(str)) {
        parts.push(piece);
        length += piece.byteLength;
      }
    }
    from = at + quoted.length;
  });
  const after = encoder.encode(text.slice(from));
  parts.push(after);
  length += after.byteLength;
  return { stream: partsStream(parts), length };
}

/** Plain strings go out quoted, a slice per read; escaped pieces are already bytes (quotes included). */
function partsStream(parts: Array<Uint8Array | string>): ReadableStream<Uint8Array> {
  let index = 0;
  let offset = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[index];
      if (part === undefined) {
        controller.close();
        return;
      }
      if (typeof part !== "string") {
        index++;
        controller.enqueue(part);
        return;
      }
      if (offset === -1) {
        controller.enqueue(encoder.encode('"'));
        offset = 0;
        return;
      }
      if (offset >= part.length) {
        controller.enqueue(encoder.encode('"'));
        offset = -1;
        index++;
        return;
      }
      controller.enqueue(encoder.encode(part.slice(offset, offset + SLICE)));
      offset += SLICE;
    },
  });
}

function* escapedSlices(str: string): Generator<Uint8Array> {
  yield encoder.encode('"');
  for (let i = 0; i < str.length; ) {
    let end = Math.min(i + SLICE, str.length);
    // Never split a surrogate pair: each half alone would be escaped as a lone surrogate.
    const last = str.charCodeAt(end - 1);
    if (end < str.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield encoder.encode(JSON.stringify(str.slice(i, end)).slice(1, -1));
    i = end;
  }
  yield encoder.encode('"');
}

/** A walk that stops at the first large string; plain data only (what a parsed body is). */
function hasLargeString(value: unknown, depth: number): boolean {
  if (typeof value === "string") return value.length >= LARGE;
  if (typeof value !== "object" || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => hasLargeString(v, depth + 1));
  for (const key in value) {
    if (hasLargeString((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}
