// Meters a streamed (NDJSON or SSE) answer through the relay: time to first byte, bytes, and why it
// ended early, with the error frame in the body's own framing whenever it did.
import type { Context } from "hono";
import { ProxyError } from "../errors.ts";
import { dialectOf } from "../http/dialect.ts";
import type { RequestProbe } from "../observe/probe.ts";
import { scanUsage } from "../observe/usage.ts";
import { errorFrameFor } from "../streams/error-frames.ts";
import { relay } from "../streams/relay.ts";
import { streamEndCheck } from "../streams/stream-end.ts";
import type { AppEnv } from "../types.ts";
import { upstreamBrokeOff, upstreamEndedEarly } from "../upstream/network-error.ts";

export interface MeterOptions {
  /** Named in the error frame when a relayed upstream body breaks off. */
  upstreamUrl: string;
  /** A fleet: the address of the server that served the request (its name reported with c.set("upstream")). */
  upstreamUrlOf?: (name: string) => string | undefined;
  /** Aborted when the shutdown grace period is over: running streams end with its reason. */
  stop?: AbortSignal;
  /** When the request started (performance.now()), for the time to first byte. */
  startedAt: number;
  /** Told the counts of a native answer relayed unread (found in its last line). */
  probe?: RequestProbe;
}

/** NDJSON and SSE bodies go through the relay; one-shot bodies are left to Bun, which pipes them natively. */
export function isStreamedType(contentType: string | null): boolean {
  return !!contentType && (contentType.includes("ndjson") || contentType.includes("event-stream"));
}

export function meter(
  c: Context<AppEnv>,
  res: Response,
  opts: MeterOptions,
  ended: (end: Ending) => void,
): Response {
  const contentType = res.headers.get("content-type");
  const frame = errorFrameFor(contentType, dialectOf(c.get("request").route));
  let ttfbMs: number | undefined;
  let firstByteAt: number | undefined;
  let failure: ProxyError | undefined;
  const describe = (err: unknown) => {
    const cause = upstreamBrokeOff(servedBy(c, res, opts), err);
    failure =
      cause instanceof ProxyError
        ? cause
        : new ProxyError(502, cause instanceof Error ? cause.message : String(cause), "upstream");
    return failure.message;
  };
  const body = relay(res.body as ReadableStream<Uint8Array>, {
    errorFrame: frame ? (err, after) => frame(describe(err), after) : undefined,
    checkEnd: endCheck(c, res, contentType, opts),
    stop: opts.stop,
    onFirstChunk: () => {
      firstByteAt = performance.now();
      ttfbMs = Math.round((firstByteAt - opts.startedAt) * 10) / 10;
    },
    onEnd: ({ bytes, error, cancelled }) => {
      if (error !== undefined && failure === undefined) describe(error);
      ended({ bytes, ttfbMs, firstByteAt, cancelled, failure });
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * A native stream that ends without Ollama's last line is reported as the parsed paths report it, also
 * on the fast path, where the upstream's bytes are relayed unread: only that last line is looked at.
 */
function endCheck(
  c: Context<AppEnv>,
  res: Response,
  contentType: string | null,
  opts: MeterOptions,
): ((lastLine: Uint8Array | null) => unknown) | undefined {
  if (res.status !== 200 || !contentType?.includes("ndjson")) return undefined;
  const route = c.get("request").route;
  const complete = streamEndCheck(route);
  if (!complete) return undefined;
  // Only an answer relayed unread still needs its counts: the parsed paths reported them already.
  const probe = opts.probe;
  const counts = probe && (route === "/api/chat" || route === "/api/generate") ? probe : undefined;
  return (line) => {
    if (!complete(line)) return upstreamEndedEarly(servedBy(c, res, opts));
    if (counts && line && counts.usageFacts === undefined) {
      const usage = scanUsage(line);
      if (usage) counts.usage(usage);
    }
    return undefined;
  };
}

/** The server that served this request (a fleet names it), else the one upstream address. */
export function servedBy(
  c: Context<AppEnv>,
  res: Response,
  opts: Pick<MeterOptions, "upstreamUrl" | "upstreamUrlOf">,
): string {
  const name = c.get("upstream") ?? res.headers.get("x-upstream");
  return (name && opts.upstreamUrlOf?.(name)) || opts.upstreamUrl;
}

export interface Ending {
  bytes?: number;
  ttfbMs?: number;
  /** performance.now() of the first byte sent. */
  firstByteAt?: number;
  cancelled?: boolean;
  /** Why a relayed body ended early: the upstream broke off or ended short, or the proxy stopped it. */
  failure?: ProxyError;
}
