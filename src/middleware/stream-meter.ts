// Hands a streamed body to the client through the relay, and writes the access line when it ends.
import type { Context } from "hono";
import { relay } from "../streams/relay.ts";
import type { AppEnv } from "../types.ts";
import { round } from "./request-context.ts";

export interface MeterOptions {
  /** Bytes that end a failed stream in the client's dialect; null lets the connection error out. */
  errorFrame?: (err: unknown) => Uint8Array | null;
  /** Turns a source failure into the text logged (and usually shown in the error frame). */
  describe?: (err: unknown) => string;
}

/**
 * Returns `res` with a streamed body (NDJSON, SSE) relayed through the meter. One-shot bodies (JSON,
 * text, no body) are handed to Bun as they are: it pipes them natively, which is markedly cheaper
 * per request, and they have no in-band way to report a failure anyway.
 */
export function meteredResponse(c: Context<AppEnv>, res: Response, opts: MeterOptions = {}): Response {
  if (!res.body || !isStreamedType(res.headers.get("content-type"))) return res;
  return new Response(meterStream(c, res.body, res.status, opts), {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

function isStreamedType(contentType: string | null): boolean {
  return !!contentType && (contentType.includes("ndjson") || contentType.includes("event-stream"));
}

export function meterStream(
  c: Context<AppEnv>,
  body: ReadableStream<Uint8Array>,
  status: number,
  opts: MeterOptions,
): ReadableStream<Uint8Array> {
  const info = c.get("info");
  info.streamed = true;
  info.status = status;
  return relay(body, {
    errorFrame: opts.errorFrame,
    onFirstChunk: () => {
      info.ttfbMs = round(performance.now() - info.startedAt);
    },
    onEnd: ({ bytes, error, cancelled }) => {
      info.bytes = bytes;
      if (cancelled) info.outcome = "cancelled";
      else if (error !== undefined) {
        info.outcome = "upstream_error";
        info.error = opts.describe ? opts.describe(error) : String(error);
      } else info.outcome ??= "ok";
      info.finish(info.status ?? 200);
    },
  });
}
