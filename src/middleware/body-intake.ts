// Takes in every request body the proxy parses, once, within a size limit and a time limit: 413 past
// the limit, 408 when the client stops sending, and the bytes handed on as one buffer in the context
// (http/request-body.ts gives them out), so every reader and forwarder after this sees a complete
// body of bounded size.
import type { Context, MiddlewareHandler } from "hono";
import { isAbortError } from "../abort.ts";
import { ProxyError } from "../errors.ts";
import { errorResponseFor, routeOf } from "../http/dialect-errors.ts";
import { requestSignal } from "../http/request-body.ts";
import { concatBytes } from "../streams/concat-bytes.ts";
import { stallGuard } from "../streams/stall-guard.ts";
import type { AppEnv } from "../types.ts";

export interface BodyIntakeOptions {
  /** Bytes for model input: chat, generate, embed and every /v1 route (images ride in them). */
  inferenceBytes: number;
  /** Bytes for every other route (pull, show, copy, delete...). */
  smallBytes: number;
  /** BODY_TIMEOUT_MS; 0 = a client may pause for ever. */
  timeoutMs: number;
  basePath: string;
}

/** Model input, where base64 images make bodies of tens of MB ordinary. */
const INFERENCE = new Set(["/api/chat", "/api/generate", "/api/embed", "/api/embeddings"]);

/**
 * Bodies up to this declared size are read in one native read against one deadline: at the default
 * 30 s a client must send at least about 2 KB/s, which no real client is slower than. Watching the
 * pauses needs a JS reader, which cost about 100 µs CPU per request at 64 connections (bench/ab.ts).
 */
const SMALL_BODY = 64 * 1024;

interface Limit {
  bytes: number;
  setting: string;
}

/** Which limit a path has; null = none (blob uploads are gigabytes, /api/create streams through). */
function limitFor(route: string, opts: BodyIntakeOptions): Limit | null {
  if (route.startsWith("/api/blobs/") || route === "/api/create") return null;
  if (INFERENCE.has(route) || route.startsWith("/v1/")) {
    return { bytes: opts.inferenceBytes, setting: "MAX_BODY_MB" };
  }
  return { bytes: opts.smallBytes, setting: "MAX_SMALL_BODY_MB" };
}

function tooLarge(limit: Limit): ProxyError {
  const mb = Math.round((limit.bytes / 2 ** 20) * 100) / 100;
  return new ProxyError(413, `request body too large: the limit is ${mb} MB (${limit.setting})`);
}

const pausedFor = (ms: number) =>
  new ProxyError(408, `request body timed out: the client sent nothing for ${ms} ms (BODY_TIMEOUT_MS)`);

/**
 * A declared Content-Length over the limit is refused before a byte is read; any other body is read
 * here up to the limit and no further. Bun's own idle timer cannot guard the read: request-context
 * lifts it for the whole request (model loads are silent for minutes), and while a body arrives Bun
 * re-arms it only at 16 KB/s or more. A body of up to 64 KB must arrive whole within
 * BODY_TIMEOUT_MS; a larger or chunked one may pause at most that long between pieces. Bodies of
 * routes without a limit (blob uploads) stay streams, with the pause clock around them.
 */
export function bodyIntake(opts: BodyIntakeOptions): MiddlewareHandler<AppEnv> {
  return async function bodyIntakeMiddleware(c, next) {
    const raw = c.req.raw;
    // Headers first: touching `raw.body` makes Bun build a JS stream around a body it reads natively.
    const header = raw.headers.get("content-length");
    const chunked = raw.headers.has("transfer-encoding");
    if (!chunked && (header === null || header === "0")) return next();
    const path = c.req.path;
    const route = routeOf(path, opts.basePath);
    const limit = limitFor(route, opts);
    if (!limit) return streamThrough(c, next, opts.timeoutMs);
    const declared = chunked ? Number.NaN : Number(header);
    if (declared > limit.bytes) return refuse(c, route, tooLarge(limit));

    let read: Read;
    try {
      read =
        declared <= SMALL_BODY
          ? await readSmall(raw, declared, opts.timeoutMs)
          : await readWatched(raw, limit.bytes, declared, opts.timeoutMs);
    } catch (err) {
      if (isAbortError(err)) throw err;
      const why = err instanceof Error ? err.message : String(err);
      return refuse(c, route, new ProxyError(400, `request body could not be read: ${why}`));
    }
    if (read.kind === "too-large") return refuse(c, route, tooLarge(limit));
    if (read.kind === "late") return closeAfter(refuse(c, route, read.error));
    // Parsing routes take the bytes as text, forwarders as a Request (http/request-body.ts).
    c.set("bodyBytes", read.bytes);
    return next();
  };
}

type Read =
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "too-large" }
  | { kind: "late"; error: ProxyError };

/** One native read, or "late" when the whole body has not arrived within `ms` (0 = never). */
async function readSmall(raw: Request, declared: number, ms: number): Promise<Read> {
  if (ms <= 0) return { kind: "bytes", bytes: await raw.bytes() };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    const bytes = await Promise.race([raw.bytes(), late]);
    if (bytes) return { kind: "bytes", bytes };
    const error = new ProxyError(
      408,
      `request body timed out: the client did not send its ${declared}-byte body within ${ms} ms (BODY_TIMEOUT_MS)`,
    );
    return { kind: "late", error };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads piece by piece up to `max` bytes, with one timer re-armed on each piece. A declared length
 * is read straight into a buffer of that size, so a 50 MB image body is held once, not as its
 * pieces plus their join.
 */
async function readWatched(raw: Request, max: number, declared: number, ms: number): Promise<Read> {
  const reader = (raw.body as ReadableStream<Uint8Array>).getReader();
  let late = false;
  // Cancelling the reader ends the pending read, so a stalled client costs no promise per piece.
  const timer =
    ms > 0
      ? setTimeout(() => {
          late = true;
          reader.cancel().catch(() => {});
        }, ms)
      : undefined;
  const into = Number.isFinite(declared) ? new Uint8Array(declared) : null;
  const pieces: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (late) return { kind: "late", error: pausedFor(ms) };
      if (done) break;
      timer?.refresh();
      if (size + value.byteLength > max) return { kind: "too-large" };
      if (into && size + value.byteLength <= into.byteLength) into.set(value, size);
      else pieces.push(value);
      size += value.byteLength;
    }
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
  if (into) return { kind: "bytes", bytes: size === into.byteLength ? into : into.subarray(0, size) };
  return { kind: "bytes", bytes: concatBytes(pieces, size) };
}

/** A body without a limit (blob uploads) stays a stream; the pause clock errors it when the client stalls. */
async function streamThrough(c: Context<AppEnv>, next: () => Promise<void>, ms: number): Promise<void> {
  const raw = c.req.raw;
  if (ms <= 0 || !raw.body) return next();
  let stalled = false;
  const body = stallGuard(raw.body, ms, () => {
    stalled = true;
    return pausedFor(ms);
  });
  c.req.raw = new Request(raw, { body, duplex: "half", signal: requestSignal(c) } as RequestInit);
  // The new Request's signal follows the one it was given: forwarding it needs no other Request.
  c.set("signal", c.req.raw.signal);
  await next();
  if (stalled) closeAfter(c.res);
}

/** The answer for a refused body, in the route's dialect. */
function refuse(c: Context<AppEnv>, route: string, err: ProxyError): Response {
  // Recorded like a thrown error, so the access line says why (outcome "error").
  c.error = err;
  return errorResponseFor(route, err, c.get("request")?.id);
}

/** The rest of a refused body never comes, so the connection cannot carry another request. */
function closeAfter(res: Response): Response {
  try {
    res.headers.set("connection", "close");
  } catch {
    // Immutable headers (a fetched Response): Bun's idle timer still closes the socket later.
  }
  return res;
}
