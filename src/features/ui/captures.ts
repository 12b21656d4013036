// Opt-in captures of request and response bodies (CAPTURE_BODIES), for the dashboard's request detail:
// secrets redacted, each body cut at CAPTURE_BODY_BYTES, the oldest let go past CAPTURE_BUFFER_BYTES.
import type { MiddlewareHandler } from "hono";
import { replaceResponse } from "../../http/replace-response.ts";
import type { AppEnv } from "../../types.ts";
import type { Capture } from "../../wire/capture.ts";
import { redactHeaders, redactText } from "./redact.ts";

export interface CaptureLimits {
  enabled: boolean;
  bufferBytes: number;
  bodyBytes: number;
}

/** A ring buffer measured in bytes (the bodies' UTF-16 length is close enough for a bound). */
export class CaptureStore {
  private readonly items = new Map<string, { capture: Capture; size: number }>();
  private total = 0;

  constructor(readonly limits: () => CaptureLimits) {}

  get(id: string): Capture | undefined {
    return this.items.get(id)?.capture;
  }

  put(capture: Capture): void {
    // Its JSON, as the dashboard reads it: bodies, headers and all.
    const size = JSON.stringify(capture).length;
    const old = this.items.get(capture.id);
    if (old) {
      this.total -= old.size;
      this.items.delete(capture.id);
    }
    this.items.set(capture.id, { capture, size });
    this.total += size;
    const max = this.limits().bufferBytes;
    for (const [key, item] of this.items) {
      if (this.total <= max) break;
      this.items.delete(key);
      this.total -= item.size;
    }
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.items.size;
  }
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

const decoder = () => new TextDecoder("utf-8", { fatal: false });

/** Mounted after body intake (the request's bytes are there, untaken) and inside the request context. */
export function captureBodies(store: CaptureStore): MiddlewareHandler<AppEnv> {
  return async function capture(c, next) {
    const limits = store.limits();
    // Requests with a body only (chats, generations, embeddings, pulls, deletes): the reads clients
    // and the dashboard repeat (/metrics, /api/tags) would push them out of the buffer.
    if (!limits.enabled || READS.has(c.req.method)) return next();
    const id = c.get("request").id;
    const bytes = c.get("bodyBytes");
    const max = limits.bodyBytes;
    const entry: Capture = {
      id,
      at: new Date().toISOString(),
      method: c.req.method,
      url: redactText(c.req.url),
      requestHeaders: redactHeaders(c.req.raw.headers),
      requestBody: bytes ? keep(decoder().decode(bytes.subarray(0, max + SLACK)), max) : "",
      requestBytes: bytes?.byteLength ?? 0,
      responseBody: "",
      responseBytes: 0,
      truncated: (bytes?.byteLength ?? 0) > max,
    };
    store.put(entry);
    await next();
    const res = c.res;
    // Read now: once Bun has sent an answer its headers read as empty.
    const responseHeaders = redactHeaders(res.headers);
    const done = (body: string, total: number, cut: boolean) =>
      store.put({
        ...entry,
        status: res.status,
        responseHeaders,
        responseBody: keep(body, max),
        responseBytes: total,
        truncated: entry.truncated || cut,
      });
    if (!res.body) return done("", 0, false);
    replaceResponse(
      c,
      new Response(res.body.pipeThrough(tap(max, done)), {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      }),
    );
  };
}

/**
 * Redacted before it is cut: a secret cut in half would no longer match its pattern. The text read
 * runs SLACK past the limit, so a secret starting inside what is kept is read whole.
 */
function keep(text: string, max: number): string {
  const clean = redactText(text);
  return clean.length > max ? clean.slice(0, max) : clean;
}

const SLACK = 4096;

/** Copies the first `max` bytes (and SLACK more, for redaction) as they pass; tells `done` once the body ends (or is cancelled). */
function tap(max: number, done: (text: string, total: number, cut: boolean) => void) {
  const text = decoder();
  let kept = "";
  let seen = 0;
  let told = false;
  const finish = () => {
    if (told) return;
    told = true;
    done(kept + text.decode(), seen, seen > max);
  };
  return new TransformStream<Uint8Array, Uint8Array>(
    {
      transform(chunk, controller) {
        const room = max + SLACK - seen;
        if (room > 0)
          kept += text.decode(chunk.byteLength > room ? chunk.subarray(0, room) : chunk, { stream: true });
        seen += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush: finish,
      cancel: finish,
    } as Transformer<Uint8Array, Uint8Array>,
    // One chunk in hand at most (the defaults): a slow client still slows the upstream.
  );
}
