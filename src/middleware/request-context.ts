// Gives every request an id and a bound logger, lifts Bun's idle cut-off, meters streamed bodies and
// writes the one access record per request — the only place that record is assembled.
import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { CLIENT_CLOSED } from "../http/error-handler.ts";
import type { Logger } from "../log.ts";
import type { ProxyMetrics } from "../metrics/proxy-metrics.ts";
import { errorFrameFor } from "../streams/error-frames.ts";
import { relay } from "../streams/relay.ts";
import type { AccessRecord, AppEnv, Outcome, RequestScope } from "../types.ts";
import { upstreamBrokeOff } from "../upstream/network-error.ts";

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export interface RequestContextOptions {
  logger: Logger;
  accessLog: boolean;
  /** Seconds a request may stay silent on the client connection; 0 = never (Ollama is silent while loading). */
  requestIdleTimeoutSeconds: number;
  metrics: ProxyMetrics;
  basePath: string;
  /** Named in the error frame when a relayed upstream body breaks off. */
  upstreamUrl: string;
}

export function requestContext(opts: RequestContextOptions): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    const scope: RequestScope = {
      id,
      startedAt: performance.now(),
      logger: opts.logger.child({ requestId: id }),
    };
    c.set("request", scope);
    opts.metrics.started();
    // Bun.serve cuts a connection idle for `idleTimeout` seconds, and a request waiting on a model load
    // is exactly that; the per-request override keeps the server-wide value for idle keep-alive sockets.
    c.env?.timeout?.(c.req.raw, opts.requestIdleTimeoutSeconds);
    await next();
    if (c.error && !(c.error instanceof ProxyError) && c.res.status !== CLIENT_CLOSED) {
      scope.logger.error("unhandled error", { error: c.error, stack: c.error.stack });
    }
    const agents = c.get("agents");
    c.res.headers.set("x-request-id", id);
    if (agents?.length) c.res.headers.set("x-agent-chain", agents.join(","));
    const res = c.res;
    if (res.body && isStreamedType(res.headers.get("content-type"))) {
      c.res = meter(c, res, scope, opts);
      return;
    }
    const length = res.headers.get("content-length");
    finish(c, scope, opts, { bytes: length ? Number(length) : undefined });
  };
}

/** NDJSON and SSE bodies go through the relay; one-shot bodies are left to Bun, which pipes them natively. */
function isStreamedType(contentType: string | null): boolean {
  return !!contentType && (contentType.includes("ndjson") || contentType.includes("event-stream"));
}

function meter(
  c: Context<AppEnv>,
  res: Response,
  scope: RequestScope,
  opts: RequestContextOptions,
): Response {
  const frame = errorFrameFor(res.headers.get("content-type"));
  let ttfbMs: number | undefined;
  let failure: string | undefined;
  const describe = (err: unknown) => {
    const cause = upstreamBrokeOff(opts.upstreamUrl, err);
    failure = cause instanceof Error ? cause.message : String(cause);
    return failure;
  };
  const body = relay(res.body as ReadableStream<Uint8Array>, {
    errorFrame: frame ? (err) => frame(describe(err)) : undefined,
    onFirstChunk: () => {
      ttfbMs = round(performance.now() - scope.startedAt);
    },
    onEnd: ({ bytes, error, cancelled }) => {
      if (error !== undefined && failure === undefined) describe(error);
      finish(c, scope, opts, { bytes, ttfbMs, cancelled, failure });
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

interface Ending {
  bytes?: number;
  ttfbMs?: number;
  cancelled?: boolean;
  /** The relay's own description of a body that broke off. */
  failure?: string;
}

function finish(c: Context<AppEnv>, scope: RequestScope, opts: RequestContextOptions, end: Ending): void {
  const status = c.res.status;
  const thrown = c.error ? (c.error instanceof ProxyError ? c.error : null) : null;
  const inBand = c.get("streamError");
  const failed = thrown ?? inBand;
  let outcome: Outcome = "ok";
  let error: string | undefined;
  if (end.cancelled || status === CLIENT_CLOSED) outcome = "cancelled";
  else if (end.failure !== undefined) [outcome, error] = ["upstream_error", end.failure];
  else if (failed)
    [outcome, error] = [failed.origin === "upstream" ? "upstream_error" : "error", failed.message];
  else if (c.error) [outcome, error] = ["error", c.error.message];
  else if (status >= 500) outcome = "error";
  const path = c.req.path;
  const record: AccessRecord = {
    method: c.req.method,
    path,
    route: path.slice(opts.basePath.length) || "/",
    status,
    model: c.get("model"),
    agents: c.get("agents"),
    durationMs: round(performance.now() - scope.startedAt),
    bytes: end.bytes,
    ttfbMs: end.ttfbMs,
    outcome,
    error,
  };
  if (opts.accessLog) writeAccessLine(scope.logger, record);
  opts.metrics.finished(record);
}

/** The one line per request: method, path, status, model, duration, bytes and, for streams, TTFB. */
function writeAccessLine(logger: Logger, r: AccessRecord): void {
  logger[r.status >= 500 ? "warn" : "info"]("request", {
    method: r.method,
    path: r.path,
    status: r.status,
    model: r.model,
    agents: r.agents,
    durationMs: r.durationMs,
    bytes: r.bytes,
    ttfbMs: r.ttfbMs,
    outcome: r.outcome,
    error: r.error,
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
