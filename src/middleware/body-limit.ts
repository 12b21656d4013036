// Request body limits per route kind: a 413 in the client's dialect before more than the limit is read.

import type { Context, MiddlewareHandler } from "hono";
import { ollamaErrorResponse, openAIErrorResponse, ProxyError } from "../errors.ts";
import { concatBytes } from "../streams/concat-bytes.ts";
import type { AppEnv } from "../types.ts";

export interface BodyLimitOptions {
  /** Bytes for model input: chat, generate, embed and every /v1 route (images ride in them). */
  inferenceBytes: number;
  /** Bytes for every other route (pull, show, copy, delete...). */
  smallBytes: number;
  basePath: string;
}

/** Model input, where base64 images make bodies of tens of MB ordinary. */
const INFERENCE = new Set(["/api/chat", "/api/generate", "/api/embed", "/api/embeddings"]);

/** Which limit a path has; null = none (blob uploads are gigabytes, /api/create streams through). */
function limitFor(route: string, opts: BodyLimitOptions): { bytes: number; setting: string } | null {
  if (route.startsWith("/api/blobs/") || route === "/api/create") return null;
  if (INFERENCE.has(route) || route.startsWith("/v1/")) {
    return { bytes: opts.inferenceBytes, setting: "MAX_BODY_MB" };
  }
  return { bytes: opts.smallBytes, setting: "MAX_SMALL_BODY_MB" };
}

function tooLarge(limit: { bytes: number; setting: string }): ProxyError {
  const mb = Math.round((limit.bytes / 2 ** 20) * 100) / 100;
  return new ProxyError(413, `request body too large: the limit is ${mb} MB (${limit.setting})`);
}

/**
 * A declared Content-Length over the limit is refused before a byte is read. A body without one
 * (chunked) is read here up to the limit and no further, then handed on as bytes, so every reader
 * and forwarder after this sees a body of bounded size. The answer speaks the dialect of the route,
 * as its own sub-app would: OpenAI's envelope under /v1, Ollama's everywhere else.
 */
export function bodyLimit(opts: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  return async function bodyLimitMiddleware(c, next) {
    const raw = c.req.raw;
    // Headers first: touching `raw.body` makes Bun build a JS stream around a body it reads natively.
    const declared = raw.headers.get("content-length");
    const chunked = raw.headers.has("transfer-encoding");
    if (!chunked && (declared === null || declared === "0")) return next();
    const path = c.req.path;
    const route = path.startsWith(opts.basePath) ? path.slice(opts.basePath.length) || "/" : path;
    const limit = limitFor(route, opts);
    if (!limit) return next();
    if (declared !== null && !chunked) {
      return Number(declared) > limit.bytes ? refuse(c, route, tooLarge(limit)) : next();
    }
    if (!raw.body) return next();
    const bytes = await readUpTo(raw.body, limit.bytes);
    if (!bytes) return refuse(c, route, tooLarge(limit));
    const headers = new Headers(raw.headers);
    headers.delete("transfer-encoding");
    headers.set("content-length", String(bytes.byteLength));
    c.req.raw = new Request(raw, { body: bytes, headers, signal: raw.signal });
    return next();
  };
}

/** The whole body, or null as soon as it passes `max` bytes (the rest is never read). */
async function readUpTo(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) return null;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return concatBytes(chunks, size);
}

export function refuse(c: Context<AppEnv>, route: string, err: ProxyError): Response {
  // Recorded like a thrown error, so the access line says why (outcome "error").
  c.error = err;
  return route.startsWith("/v1/") ? openAIErrorResponse(err) : ollamaErrorResponse(err.status, err.message);
}
