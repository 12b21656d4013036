// The Responses API's `response` object: what the request set (echoed) around the output, status and usage.

/** The request's settings as a response echoes them; fixed for the whole answer. */
export interface ResponseEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  parallel_tool_calls: boolean;
  prompt_cache_key: string | null;
  reasoning: { effort: string | null; summary: string | null } | null;
  safety_identifier: string | null;
  temperature: number | null;
  text: Record<string, unknown>;
  tool_choice: unknown;
  tools: unknown[];
  top_logprobs: number;
  top_p: number | null;
  truncation: string;
  user: string | null;
  metadata: Record<string, string>;
}

/** What one answer's objects share. */
export interface ResponseShape {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  /** The model name the client asked for, echoed verbatim. */
  model: string;
  echo: ResponseEcho;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseState {
  status: ResponseStatus;
  output: unknown[];
  usage?: ResponseUsage | null;
  error?: { code: string; message: string } | null;
}

/** Ollama reports no cached or reasoning token counts: they are 0, as Ollama's own layer says. */
export function responseUsage(native: { prompt_eval_count?: number; eval_count?: number }): ResponseUsage {
  const input = native.prompt_eval_count ?? 0;
  const output = native.eval_count ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** `done_reason: "length"` is a cut by the token limit: OpenAI calls that incomplete (Ollama says completed). */
export function statusFor(doneReason: string | undefined): "completed" | "incomplete" {
  return doneReason === "length" ? "incomplete" : "completed";
}

/** Fields in the order OpenAI sends them. `store` is false: nothing is kept, whatever the client asked. */
export function responseObject(shape: ResponseShape, state: ResponseState): Record<string, unknown> {
  const { echo } = shape;
  const settled = state.status !== "in_progress";
  return {
    id: shape.id,
    object: "response",
    created_at: shape.createdAt,
    status: state.status,
    background: false,
    completed_at: state.status === "completed" ? Math.floor(Date.now() / 1000) : null,
    error: state.error ?? null,
    incomplete_details: state.status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    max_tool_calls: null,
    model: shape.model,
    output: state.output,
    parallel_tool_calls: echo.parallel_tool_calls,
    previous_response_id: null,
    prompt_cache_key: echo.prompt_cache_key,
    reasoning: echo.reasoning,
    safety_identifier: echo.safety_identifier,
    service_tier: "default",
    store: false,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_logprobs: echo.top_logprobs,
    top_p: echo.top_p,
    truncation: echo.truncation,
    usage: settled ? (state.usage ?? null) : null,
    user: echo.user,
    metadata: echo.metadata,
  };
}
