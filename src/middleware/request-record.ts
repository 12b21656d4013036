// Assembles the request record once the answer is over, from the facts routes and the pipeline
// reported (c.set, the request's probe) and how the body ended; writes the access line, feeds the
// metrics and the event stream. Called only by the request-context middleware.
import type { Context } from "hono";
import { ProxyError } from "../errors.ts";
import { dialectOf } from "../http/dialect.ts";
import { CLIENT_CLOSED } from "../http/error-handler.ts";
import type { Logger } from "../log.ts";
import type { RequestProbe } from "../observe/probe.ts";
import type { AccessRecord, AppEnv, Outcome, RequestScope } from "../types.ts";
import { isDashboardRead } from "./dashboard-read.ts";
import { publishRecord } from "./record-events.ts";
import type { RequestContextOptions } from "./request-context.ts";
import type { Ending } from "./stream-meter.ts";

/** The answer as it was handed to Bun (request-context.ts): its headers are not read after that. */
export interface Answered {
  status: number;
  /** NDJSON or SSE. */
  streamed: boolean;
  /** The fleet server that answered (its X-Upstream). */
  upstream: string | undefined;
}

export function assembleRecord(
  c: Context<AppEnv>,
  scope: RequestScope,
  opts: RequestContextOptions,
  answered: Answered,
  end: Ending,
): AccessRecord {
  const status = answered.status;
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
  const route = scope.route;
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
    upstream: answered.upstream,
    durationMs: round(performance.now() - scope.startedAt),
    bytes: end.bytes,
    ttfbMs: end.ttfbMs,
  };
  if (isDashboardRead(c.req.raw)) record.dashboard = true;
  const requested = c.get("requestedModel");
  if (requested !== undefined && requested !== record.model) record.requestedModel = clip(requested);
  addTurnFacts(record, probe, scope.startedAt, answered.streamed);
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
  // The dashboard's polls (two lines every 2 s per open tab) would drown the traffic at info.
  logger[r.dashboard ? "debug" : r.status >= 500 ? "warn" : "info"]("request", {
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
