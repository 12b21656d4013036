// The attributes of the proxy's spans, after OpenTelemetry's GenAI and HTTP semantic conventions.
import type { Attributes } from "@opentelemetry/api";
import type { CallOutcome, HookFact, UpstreamCall } from "./probe.ts";

/** Ollama option names → the GenAI request attributes that mean the same. */
const PARAMS: Readonly<Record<string, string>> = {
  temperature: "gen_ai.request.temperature",
  top_p: "gen_ai.request.top_p",
  top_k: "gen_ai.request.top_k",
  num_predict: "gen_ai.request.max_tokens",
  seed: "gen_ai.request.seed",
  frequency_penalty: "gen_ai.request.frequency_penalty",
  presence_penalty: "gen_ai.request.presence_penalty",
  stop: "gen_ai.request.stop_sequences",
  num_ctx: "ollama.request.num_ctx",
};

/** An upstream call's span: what was asked (GenAI request attributes) and what came back. */
export function callSpanAttributes(
  call: UpstreamCall,
  outcome: CallOutcome,
  startedAt: number,
  captureContent: boolean,
): Attributes {
  const a: Attributes = {
    "gen_ai.operation.name": call.operation,
    "gen_ai.provider.name": "ollama",
    "gen_ai.request.model": call.model,
    "gen_ai.request.stream": call.stream,
  };
  if (call.agent) a["proxy.agent.name"] = call.agent;
  if (call.params) {
    for (const option in call.params) {
      const name = PARAMS[option];
      if (!name) continue;
      const value = call.params[option];
      if (typeof value === "number") a[name] = value;
      else if (typeof value === "string") a[name] = [value];
      else if (Array.isArray(value) && value.every((v) => typeof v === "string")) a[name] = value;
    }
  }
  if (captureContent && call.input !== undefined) a["gen_ai.input.messages"] = safeJson(call.input);
  a["gen_ai.response.model"] = call.model;
  const u = outcome.usage;
  if (u) {
    if (u.inputTokens !== undefined) a["gen_ai.usage.input_tokens"] = u.inputTokens;
    if (u.outputTokens !== undefined) a["gen_ai.usage.output_tokens"] = u.outputTokens;
    if (u.finishReason) a["gen_ai.response.finish_reasons"] = [u.finishReason];
    if (u.loadMs !== undefined) a["ollama.load_duration_ms"] = u.loadMs;
  }
  if (outcome.firstChunkAt !== undefined && outcome.firstChunkAt >= startedAt) {
    a["gen_ai.response.time_to_first_chunk"] = (outcome.firstChunkAt - startedAt) / 1000;
  }
  if (outcome.error !== undefined) a["error.type"] = errorType(outcome.error);
  if (captureContent && outcome.output !== undefined) {
    a["gen_ai.output.messages"] = safeJson([
      { role: "assistant", parts: [{ type: "text", content: outcome.output }] },
    ]);
  }
  return a;
}

/** An agent hook's span: the time the proxy waited on it. */
export function hookAttributes(fact: HookFact): Attributes {
  return {
    "proxy.agent.name": fact.agent,
    "proxy.agent.hook": fact.hook,
    "proxy.agent.busy_ms": Math.round(fact.busyMs * 1000) / 1000,
    "proxy.agent.calls": fact.calls,
  };
}

/** What the request span says once the request is over (from the request record). */
export interface RequestSummary {
  status: number;
  outcome: string;
  error?: string;
  model?: string;
  requestedModel?: string;
  agents?: readonly string[];
  dialect: string;
}

/** The request span's attributes: those known at its start, then what the record says. */
export function requestEndAttributes(r: RequestSummary, route: string, start: Attributes): Attributes {
  // Kept short: every attribute is paid for on each request when everything is sampled. The
  // upstream call's span has the GenAI details; this one says what the client asked and got.
  const a: Attributes = { ...start };
  a["http.response.status_code"] = r.status;
  a["http.route"] = route;
  if (r.outcome !== "ok") a["proxy.outcome"] = r.outcome;
  if (r.model) a["gen_ai.response.model"] = r.model;
  if (r.requestedModel) a["gen_ai.request.model"] = r.requestedModel;
  if (r.agents?.length) a["proxy.agents"] = [...r.agents];
  if (r.status >= 500) a["error.type"] = String(r.status);
  else if (r.outcome !== "ok" && r.outcome !== "cancelled") a["error.type"] = r.outcome;
  return a;
}

function errorType(err: unknown): string {
  if (err && typeof err === "object" && "status" in err && typeof err.status === "number")
    return String(err.status);
  return err instanceof Error ? err.name : "error";
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}
