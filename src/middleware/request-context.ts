// Gives every request an id and a bound logger, lifts Bun's idle cut-off while it runs, meters streamed
// bodies and writes the one access record per request — the only place that record is assembled.
import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { CLIENT_CLOSED } from "../http/error-handler.ts";
import type { Logger } from "../log.ts";
import type { ProxyMetrics } from "../metrics/proxy-metrics.ts";
import type { AccessRecord, AppEnv, Outcome, RequestScope } from "../types.ts";
import { requestTimeoutSeconds } from "./request-timeout.ts";
import { type Ending, isStreamedType, meter } from "./stream-meter.ts";

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export interface RequestContextOptions {
  logger: Logger;
  accessLog: boolean;
  /** IDLE_TIMEOUT: what a keep-alive connection gets again once its request is over. */
  idleTimeoutSeconds: number;
  /** UPSTREAM_IDLE_TIMEOUT; 0 = never (Ollama is silent while loading). */
  upstreamIdleTimeoutSeconds: number;
  metrics: ProxyMetrics;
  basePath: string;
  /** Named in the error frame when a relayed upstream body breaks off. */
  upstreamUrl: string;
  /** Aborted when the shutdown grace period is over: running streams end with its reason. */
  stop?: AbortSignal;
}

export function requestContext(opts: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const whileRunning = requestTimeoutSeconds(opts.upstreamIdleTimeoutSeconds);
  return async function requestContextMiddleware(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    // The request Bun handed over: later middleware may wrap c.req.raw, Bun's timers know this one.
    const raw = c.req.raw;
    let onEnds: Array<() => void> | undefined;
    const scope: RequestScope = {
      id,
      startedAt: performance.now(),
      logger: opts.logger.child({ requestId: id }),
      onEnd: (fn) => {
        onEnds ??= [];
        onEnds.push(fn);
      },
    };
    c.set("request", scope);
    opts.metrics.started();
    // Bun.serve cuts a connection idle for `idleTimeout` seconds, and a request waiting on a model load
    // is exactly that, so the request gets its own limit. Bun keeps that limit for the connection
    // after the answer, so the keep-alive value is put back at the end (else an idle keep-alive
    // socket would be held forever). The request body has its own clock (middleware/body-timeout.ts).
    c.env?.timeout?.(raw, whileRunning);
    const ended = (end: Ending) => {
      c.env?.timeout?.(raw, opts.idleTimeoutSeconds);
      if (onEnds) for (const fn of onEnds) fn();
      finish(c, scope, opts, end);
    };
    await next();
    if (c.error && !(c.error instanceof ProxyError) && c.res.status !== CLIENT_CLOSED) {
      scope.logger.error("unhandled error", { error: c.error, stack: c.error.stack });
    }
    const agents = c.get("agents");
    c.res.headers.set("x-request-id", id);
    if (agents?.length) c.res.headers.set("x-agent-chain", agents.join(","));
    const upstream = c.get("upstream");
    if (upstream && !c.res.headers.has("x-upstream")) c.res.headers.set("x-upstream", upstream);
    const res = c.res;
    if (res.body && isStreamedType(res.headers.get("content-type"))) {
      c.res = meter(c, res, { ...opts, startedAt: scope.startedAt }, ended);
      return;
    }
    const length = res.headers.get("content-length");
    ended({ bytes: length ? Number(length) : undefined });
  };
}

function finish(c: Context<AppEnv>, scope: RequestScope, opts: RequestContextOptions, end: Ending): void {
  const status = c.res.status;
  const thrown = c.error ? (c.error instanceof ProxyError ? c.error : null) : null;
  const inBand = c.get("streamError");
  const failed = thrown ?? inBand;
  let outcome: Outcome = "ok";
  let error: string | undefined;
  if (end.cancelled || status === CLIENT_CLOSED) outcome = "cancelled";
  else if (end.failure !== undefined)
    [outcome, error] = [end.failure.origin === "upstream" ? "upstream_error" : "error", end.failure.message];
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
    upstream: c.get("upstream") ?? c.res.headers.get("x-upstream") ?? undefined,
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
    upstream: r.upstream,
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
