// LLM metrics from the request record and the pull manager: tokens, time to first token, time per
// output token and load time per model (OpenTelemetry GenAI names where one exists), agents, pulls.
import type { AccessRecord } from "../types.ts";
import { LabelCap } from "./label-cap.ts";
import { Counter, Histogram, type MetricsRegistry } from "./registry.ts";

/** OpenTelemetry's advised buckets for each GenAI metric. */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
const LOAD_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const AGENT_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PULL_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600];

/** Distinct model names kept as labels; the rest are counted as "other". */
export const MAX_MODEL_LABELS = 100;

export interface PullReport {
  model: string;
  outcome: "ok" | "error" | "cancelled";
  bytes: number;
  ms: number;
}

export interface LlmMetrics {
  finished(record: AccessRecord): void;
  pulled(report: PullReport): void;
  spansDropped(spans: number): void;
  /** An agent's worker crashed and is restarted (reason: error, exit, timeout, memory). */
  agentRestarted(agent: string, reason: string): void;
  subscriberDropped(): void;
}

export function createLlmMetrics(registry: MetricsRegistry): LlmMetrics {
  const models = new LabelCap(MAX_MODEL_LABELS);
  const tokens = registry.add(
    new Histogram(
      "gen_ai_client_token_usage",
      "Tokens per upstream call (gen_ai.client.token.usage), by model and gen_ai_token_type (input, output); _sum is the total.",
      TOKEN_BUCKETS,
    ),
  );
  const ttft = registry.add(
    new Histogram(
      "gen_ai_server_time_to_first_token_seconds",
      "Time from the request to the first token of a streamed answer (gen_ai.server.time_to_first_token).",
      TTFT_BUCKETS,
    ),
  );
  const tpot = registry.add(
    new Histogram(
      "gen_ai_server_time_per_output_token_seconds",
      "Ollama's eval_duration / eval_count per answer (gen_ai.server.time_per_output_token).",
      TPOT_BUCKETS,
    ),
  );
  const load = registry.add(
    new Histogram("proxy_model_load_seconds", "Ollama's load_duration per answer, by model.", LOAD_BUCKETS),
  );
  const hookTime = registry.add(
    new Histogram(
      "proxy_agent_hook_seconds",
      "Time spent in agent hooks per request, by agent and hook.",
      AGENT_BUCKETS,
    ),
  );
  const pulls = registry.add(
    new Counter("proxy_pulls_total", "Pulls the proxy ran, by model and outcome (ok, error, cancelled)."),
  );
  const pullBytes = registry.add(
    new Counter("proxy_pull_bytes_total", "Bytes downloaded by pulls, by model."),
  );
  const pullTime = registry.add(
    new Histogram("proxy_pull_duration_seconds", "How long pulls took, by model and outcome.", PULL_BUCKETS),
  );
  const dropped = registry.add(
    new Counter(
      "proxy_trace_spans_dropped_total",
      "Spans not exported: the queue was full or the collector failed.",
    ),
  );
  const subscribers = registry.add(
    new Counter(
      "proxy_event_subscribers_dropped_total",
      "GET /events subscribers dropped for reading too slowly.",
    ),
  );
  const restarts = registry.add(
    new Counter(
      "proxy_agent_restarts_total",
      "Agent workers restarted after a crash, by agent and reason (error, exit, timeout, memory).",
    ),
  );
  dropped.inc("", 0);
  subscribers.inc("", 0);

  const genAi = (operation: string, model: string) =>
    `gen_ai_operation_name="${operation}",gen_ai_provider_name="ollama",gen_ai_request_model="${models.value(model)}"`;
  const countTokens = (labels: string, input?: number, output?: number) => {
    if (input !== undefined) tokens.observe(input, `${labels},gen_ai_token_type="input"`);
    if (output !== undefined) tokens.observe(output, `${labels},gen_ai_token_type="output"`);
  };

  return {
    finished(r) {
      if (
        r.model &&
        (r.inputTokens !== undefined || r.outputTokens !== undefined || r.ttftMs !== undefined)
      ) {
        const labels = genAi(r.operation ?? "chat", r.model);
        countTokens(labels, r.inputTokens, r.outputTokens);
        if (r.ttftMs !== undefined && r.stream) ttft.observe(r.ttftMs / 1000, labels);
        if (r.outputTokens && r.evalMs !== undefined) tpot.observe(r.evalMs / 1000 / r.outputTokens, labels);
        if (r.loadMs !== undefined) load.observe(r.loadMs / 1000, `model="${models.value(r.model)}"`);
      }
      // An agent's own model calls use tokens too; they are counted under the model they named.
      for (const call of r.agentCalls ?? []) {
        if (call.usage)
          countTokens(genAi("chat", call.model), call.usage.inputTokens, call.usage.outputTokens);
      }
      for (const h of r.hooks ?? []) hookTime.observe(h.busyMs / 1000, `agent="${h.agent}",hook="${h.hook}"`);
    },
    pulled(p) {
      const model = `model="${models.value(p.model)}"`;
      pulls.inc(`${model},outcome="${p.outcome}"`);
      if (p.bytes > 0) pullBytes.inc(model, p.bytes);
      pullTime.observe(p.ms / 1000, `${model},outcome="${p.outcome}"`);
    },
    spansDropped: (n) => dropped.inc("", n),
    agentRestarted: (agent, reason) =>
      restarts.inc(`agent="${agent.replace(/[\\"\n]/g, "_")}",reason="${reason}"`),
    subscriberDropped: () => subscribers.inc("", 1),
  };
}
