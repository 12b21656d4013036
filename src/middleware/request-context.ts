// Gives every request an id and a bound logger, lifts Bun's idle cut-off while it runs, meters streamed
// bodies and writes the one access record per request — the only place that record is assembled.
import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { CLIENT_CLOSED } from "../http/error-handler.ts";
import type { Logger } from "../log.ts";
import type { ProxyMetrics } from "../metrics/proxy-metrics.ts";
import { routeLabel } from "../metrics/proxy-metrics.ts";
import type { EventBus } from "../observe/event-bus.ts";
import { RequestProbe } from "../observe/probe.ts";
import type { Tracing } from "../observe/tracing.ts";
import { scanUsage } from "../observe/usage.ts";
import type { AccessRecord, AppEnv, Outcome, RequestScope } from "../types.ts";
import { dialectOf } from "./dialect.ts";
import { publishRecord } from "./record-events.ts";
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
    let onEnds: Array<() => void> | undefined;
    const route = c.req.path.slice(opts.basePath.length) || "/";
    const span = opts.tracing?.begin(raw.headers, `${c.req.method} ${routeLabel(route)}`, {
      "http.request.method": c.req.method,
    });
    const scope: RequestScope = {
      id,
      startedAt: performance.now(),
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
        at: new Date().toISOString(),
      });
    // Bun.serve cuts a connection idle for `idleTimeout` seconds, and a request waiting on a model load
    // is exactly that, so the request gets its own limit. Bun keeps that limit for the connection
    // after the answer, so the keep-alive value is put back at the end (else an idle keep-alive
    // socket would be held forever). The request body has its own clock (middleware/body-timeout.ts).
    c.env?.timeout?.(raw, whileRunning);
    const ended = (end: Ending) => {
      c.env?.timeout?.(raw, opts.idleTimeoutSeconds);
      if (onEnds) for (const fn of onEnds) fn();
      const record = finish(c, scope, opts, end);
      span?.finish({ ...record, route: routeLabel(record.route) });
    };
    await next();
    if (c.error && !(c.error instanceof ProxyError) && c.res.status !== CLIENT_CLOSED) {
      scope.logger.error("unhandled error", { error: c.error, stack: c.error.stack });
    }
    const agents = c.get("agents");
    c.res.headers.set("x-request-id", id);
    if (agents?.length) c.res.headers.set("x-agent-chain", agents.join(","));
    const res = c.res;
    const contentType = res.headers.get("content-type");
    if (res.body && isStreamedType(contentType)) {
      c.res = meter(c, res, { ...opts, startedAt: scope.startedAt, probe: scope.probe }, ended);
      return;
    }
    if (res.body && res.status === 200 && wantsUsage(scope.probe, route, contentType)) {
      // Ollama's own one-object answer, relayed untouched: read (it arrives whole anyway) to find
      // its counts in its last bytes, then sent on as the same bytes.
      const bytes = await res.bytes().catch(() => null);
      if (bytes) {
        const usage = scanUsage(bytes);
        if (usage) scope.probe.usage(usage);
        c.res = new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
        ended({ bytes: bytes.byteLength });
        return;
      }
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

function finish(
  c: Context<AppEnv>,
  scope: RequestScope,
  opts: RequestContextOptions,
  end: Ending,
): AccessRecord {
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
  const route = path.slice(opts.basePath.length) || "/";
  const probe = scope.probe;
  probe.settle();
  const record: AccessRecord = {
    id: scope.id,
    startedAt: Date.now() - (performance.now() - scope.startedAt),
    method: c.req.method,
    path,
    route,
    dialect: dialectOf(route),
    status,
    outcome,
    error,
    model: c.get("model"),
    agents: c.get("agents"),
    durationMs: round(performance.now() - scope.startedAt),
    bytes: end.bytes,
    ttfbMs: end.ttfbMs,
  };
  const requested = c.get("requestedModel");
  if (requested !== undefined && requested !== record.model) record.requestedModel = clip(requested);
  addTurnFacts(record, probe, scope.startedAt, isStreamedType(c.res.headers.get("content-type")));
  if (opts.accessLog) writeAccessLine(scope.logger, record);
  opts.metrics.finished(record);
  if (opts.events?.size) publishRecord(opts.events, record);
  return record;
}

/** The pipeline's facts (tokens, Ollama's durations, first token, hooks, agents' calls) into the record. */
function addTurnFacts(record: AccessRecord, probe: RequestProbe, startedAt: number, streamed: boolean): void {
  const u = probe.usageFacts;
  if (record.route === "/api/generate" || record.route === "/v1/completions")
    record.operation = "text_completion";
  else if (u || probe.calls.length) record.operation = "chat";
  if (u) {
    record.stream = streamed;
    if (u.inputTokens !== undefined) record.inputTokens = u.inputTokens;
    if (u.outputTokens !== undefined) record.outputTokens = u.outputTokens;
    if (u.finishReason !== undefined) record.finishReason = u.finishReason;
    if (u.loadMs !== undefined) record.loadMs = round(u.loadMs);
    if (u.evalMs !== undefined) record.evalMs = round(u.evalMs);
  }
  if (probe.firstTokenAt !== undefined && streamed) record.ttftMs = round(probe.firstTokenAt - startedAt);
  if (probe.hooks.length) record.hooks = probe.hooks;
  const agentCalls = probe.calls.filter((call) => call.agent !== undefined);
  if (agentCalls.length) record.agentCalls = agentCalls;
}

/** A client-sent name is kept, but not at any length. */
function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}…`;
}

/** The one line per request: method, path, status, model, tokens, duration, bytes, TTFB and TTFT. */
function writeAccessLine(logger: Logger, r: AccessRecord): void {
  logger[r.status >= 500 ? "warn" : "info"]("request", {
    method: r.method,
    path: r.path,
    status: r.status,
    model: r.model,
    requestedModel: r.requestedModel,
    agents: r.agents,
    durationMs: r.durationMs,
    bytes: r.bytes,
    ttfbMs: r.ttfbMs,
    ttftMs: r.ttftMs,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    outcome: r.outcome,
    error: r.error,
    upstream: r.upstream,
    key: r.key,
    preset: r.preset,
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
