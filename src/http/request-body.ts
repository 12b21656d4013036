// The request as the front middleware left it: its body as body-intake read it (text for the routes
// that parse it, a Request for the routes that forward it) and the signal its work must stop on.
// Body-intake and running-requests put these in the context instead of building a new Request per
// request, which cost about 10 µs of CPU each on every chat (bench/inproc.ts).
import type { Context } from "hono";
import type { AppEnv } from "../types.ts";

const decoder = new TextDecoder();

/**
 * The bytes are taken from the context, so once decoded nothing holds them (a 50 MB image body is
 * then held once, as text); without them (no body-intake: tests that drive a sub-app alone, bodies
 * it left as streams) the Request is read.
 */
export function bodyText(c: Context<AppEnv>): Promise<string> {
  const bytes = c.get("bodyBytes");
  if (!bytes) return c.req.raw.text();
  c.set("bodyBytes", undefined);
  return Promise.resolve(decoder.decode(bytes));
}

/** The body as a stream of bytes, for the routes that decode it (compressed /v1 bodies). */
export function bodyStream(c: Context<AppEnv>): ReadableStream | null {
  const bytes = c.get("bodyBytes");
  if (!bytes) return c.req.raw.body;
  c.set("bodyBytes", undefined);
  return new Blob([bytes]).stream();
}

/**
 * Aborts when the client goes away or an operator cancels the request (running-requests.ts): what
 * every upstream call and wait of the request is given.
 */
export function requestSignal(c: Context<AppEnv>): AbortSignal {
  return c.get("signal") ?? c.req.raw.signal;
}

/**
 * The request to send on as it is: the body body-intake read and the request's signal. Only the
 * forwarding routes build it.
 */
export function forwardable(c: Context<AppEnv>): Request {
  const raw = c.req.raw;
  const bytes = c.get("bodyBytes");
  const signal = requestSignal(c);
  if (!bytes) return signal === raw.signal ? raw : new Request(raw, { signal });
  c.set("bodyBytes", undefined);
  // A Blob's bytes are sent as they are, where a Uint8Array body would be copied. A chunked body's
  // Transfer-Encoding is hop-by-hop: the upstream client drops it, and fetch states the length.
  return new Request(raw, { body: new Blob([bytes]), signal });
}
