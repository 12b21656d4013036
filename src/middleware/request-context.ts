// Gives every request an id, a bound logger and a probe, lifts Bun's idle cut-off while it runs,
// meters streamed bodies and, once the answer is over, has the one request record assembled
// (request-record.ts) — the only place that record is made.
import type { MiddlewareHandler } from "hono";
import { ProxyError, toProxyError } from "../errors.ts";
import { dialectOf } from "../http/dialect.ts";
import { CLIENT_CLOSED } from "../http/error-handler.ts";
import { replaceResponse } from "../http/replace-response.ts";
import type { Logger } from "../log.ts";
import type { ProxyMetrics } from "../metrics/proxy-metrics.ts";
import { routeLabel } from "../metrics/proxy-metrics.ts";
import type { EventBus } from "../observe/event-bus.ts";
import { RequestProbe } from "../observe/probe.ts";
import type { Tracing } from "../observe/tracing.ts";
import { scanUsage } from "../observe/usage.ts";
import type { AccessRecord, AppEnv, RequestScope } from "../types.ts";
import { upstreamBrokeOff } from "../upstream/network-error.ts";
import { isDashboardRead } from "./dashboard-read.ts";
import { type Answered, assembleRecord } from "./request-record.ts";
import { requestTimeoutSeconds } from "./request-timeout.ts";
import { type Ending, isStreamedType, meter, servedBy } from "./stream-meter.ts";

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
  /** A fleet: the address of the server of that name (the one that served the request). */
  upstreamUrlOf?: (name: string) => string | undefined;
  /** Aborted when the shutdown grace period is over: running streams end with its reason. */
  stop?: AbortSignal;
  /** OpenTelemetry traces, when configured: a span per request, read from the record. */
  tracing?: Tracing | null;
  /** Request started/finished events for GET /events. */
  events?: EventBus;
}

export function requestContext(opts: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const whileRunning = requestTimeoutSeconds(opts.upstreamIdleTimeoutSeconds);
  return async function requestContextMiddleware(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    // The request Bun handed over: later middleware may wrap c.req.raw, Bun's timers know this one.
    const raw = c.req.raw;
    let onEnds: Array<(record: AccessRecord) => void> | undefined;
    const route = c.req.path.slice(opts.basePath.length) || "/";
    const span = opts.tracing?.begin(raw.headers, `${c.req.method} ${routeLabel(route)}`, {
      "http.request.method": c.req.method,
    });
    const scope: RequestScope = {
      id,
      startedAt: performance.now(),
      route,
      logger: opts.logger.child({ requestId: id }),
      onEnd: (fn) => {
        onEnds ??= [];
        onEnds.push(fn);
      },
      probe: new RequestProbe(span ?? null, opts.tracing?.captureContent ?? false),
    };
    c.set("request", scope);
    opts.metrics.started();
    if (opts.events?.size)
      opts.events.publish({
        type: "request.started",
        id,
        method: c.req.method,
        route,
        dialect: dialectOf(route),
        ...(isDashboardRead(raw) ? { dashboard: true } : {}),
        at: new Date().toISOString(),
      });
    // Bun.serve cuts a connection idle for `idleTimeout` seconds, and a request waiting on a model load
    // is exactly that, so the request gets its own limit. Bun keeps that limit for the connection
    // after the answer, so the keep-alive value is put back at the end (else an idle keep-alive
    // socket would be held forever). The request body has its own clock (middleware/body-timeout.ts).
    c.env?.timeout?.(raw, whileRunning);
    const finish = (answered: Answered, end: Ending) => {
      c.env?.timeout?.(raw, opts.idleTimeoutSeconds);
      const record = assembleRecord(c, scope, opts, answered, end);
      if (onEnds) for (const fn of onEnds) fn(record);
      span?.finish(record, routeLabel(record.route));
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
    const contentType = res.headers.get("content-type");
    const streamed = isStreamedType(contentType);
    // What the answer was when it was handed to Bun: a Response's headers are not to be read once
    // Bun has sent it (they read as empty then).
    const answered: Answered = {
      status: res.status,
      streamed,
      upstream: upstream ?? res.headers.get("x-upstream") ?? undefined,
    };
    const ended = (end: Ending) => finish(answered, end);
    if (res.body && streamed) {
      // A cancelled stream ends as a stopped one does: with an error frame giving the reason.
      const cancelled = c.get("cancelled");
      const stop =
        cancelled && opts.stop ? AbortSignal.any([opts.stop, cancelled]) : (cancelled ?? opts.stop);
      replaceResponse(
        c,
        meter(c, res, { ...opts, stop, startedAt: scope.startedAt, probe: scope.probe }, ended),
      );
      return;
    }
    if (res.body && res.status === 200 && wantsUsage(scope.probe, route, contentType)) {
      // Ollama's own one-object answer, relayed untouched: read (it arrives whole anyway) to find
      // its counts in its last bytes, then sent on as the same bytes.
      let bytes: Uint8Array;
      try {
        bytes = await res.bytes();
      } catch (err) {
        // Broken off before its end: nothing was sent yet, so the client gets a 502 saying so.
        const failure = toProxyError(upstreamBrokeOff(servedBy(c, res, opts), err));
        c.res = Response.json({ error: failure.message }, { status: failure.status });
        finish({ ...answered, status: failure.status }, { failure });
        return;
      }
      const usage = scanUsage(bytes);
      if (usage) scope.probe.usage(usage);
      replaceResponse(
        c,
        new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers }),
      );
      ended({ bytes: bytes.byteLength });
      return;
    }
    const length = res.headers.get("content-length");
    ended({ bytes: length ? Number(length) : undefined });
  };
}

/** A native chat or generate answer whose counts nobody reported yet (the fast path's one object). */
function wantsUsage(probe: RequestProbe, route: string, contentType: string | null): boolean {
  return (
    probe.usageFacts === undefined &&
    (route === "/api/chat" || route === "/api/generate") &&
    !!contentType?.includes("json")
  );
}
