// POST /v1/responses body → native /api/chat body, plus what the answer echoes back.
import { z } from "zod";
import type { ChatRequest } from "../../../wire/ollama.ts";
import { ollamaExtras, ollamaExtrasShape } from "./ollama-extras.ts";
import { OpenAIRequestError } from "./openai-error.ts";
import { thinkFromReasoning } from "./reasoning.ts";
import { checkTopLogprobs } from "./request-common.ts";
import { convertResponsesInput } from "./responses-input.ts";
import type { ResponseEcho } from "./responses-object.ts";
import { type NamespacedName, nativeResponsesTools, responsesToolsShape } from "./responses-tools.ts";
import { parseBody } from "./validate.ts";

export interface TranslatedResponses {
  body: ChatRequest & Record<string, unknown>;
  /** What the client asked for; the pipeline decides how the upstream is asked. */
  stream: boolean;
  /** Echoed verbatim; "" when the request named none (the default model answers). */
  requestedModel: string;
  echo: ResponseEcho;
  namespaced: ReadonlyMap<string, NamespacedName>;
}

const formatSchema = z.looseObject({ type: z.string(), schema: z.unknown().optional() });

const responsesSchema = z.looseObject({
  model: z.string().nullish(),
  input: z.unknown().optional(),
  instructions: z.string().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_logprobs: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  text: z.looseObject({ format: formatSchema.nullish(), verbosity: z.string().nullish() }).nullish(),
  include: z.array(z.string()).nullish(),
  // Accepted and echoed: hints and bookkeeping that change nothing Ollama does.
  metadata: z.record(z.string(), z.string()).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  prompt_cache_key: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  user: z.string().nullish(),
  store: z.boolean().nullish(),
  ...responsesToolsShape,
  ...ollamaExtrasShape,
});

type ResponsesInput = z.output<typeof responsesSchema>;

const STATELESS =
  "the proxy keeps no responses (stateless, like Ollama): send the whole conversation in input";

/** Fields whose meaning needs state kept between requests, or a server that runs in the background. */
function refuseUnsupported(data: ResponsesInput & Record<string, unknown>): void {
  const refuse = (param: string, why: string) => {
    throw new OpenAIRequestError(`${param} cannot be honoured: ${why}`, 400, param);
  };
  if (data.previous_response_id != null) refuse("previous_response_id", STATELESS);
  if (data.conversation != null) refuse("conversation", STATELESS);
  if (data.prompt != null)
    refuse("prompt", "prompt templates are stored by OpenAI; send instructions and input");
  if (data.background === true) refuse("background", "answers are given while the request is open");
  if (data.max_tool_calls != null)
    refuse("max_tool_calls", "Ollama cannot limit how many tools a model calls");
}

function format(data: ResponsesInput): string | object | undefined {
  const f = data.text?.format;
  if (f == null || f.type === "text") return undefined;
  if (f.type === "json_object") return "json";
  if (f.type === "json_schema") {
    return typeof f.schema === "object" && f.schema !== null ? f.schema : "json";
  }
  throw new OpenAIRequestError(
    `invalid text.format type '${f.type}': expected text, json_object or json_schema`,
    400,
    "text.format.type",
  );
}

function echoOf(data: ResponsesInput): ResponseEcho {
  const reasoning = data.reasoning;
  return {
    instructions: data.instructions ?? null,
    max_output_tokens: data.max_output_tokens ?? null,
    parallel_tool_calls: data.parallel_tool_calls ?? true,
    prompt_cache_key: data.prompt_cache_key ?? null,
    reasoning: reasoning ? { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null } : null,
    safety_identifier: data.safety_identifier ?? null,
    temperature: data.temperature ?? null,
    text: { format: { type: "text" }, ...(data.text ?? {}) },
    tool_choice: data.tool_choice ?? "auto",
    tools: data.tools ?? [],
    top_logprobs: data.top_logprobs ?? 0,
    top_p: data.top_p ?? null,
    truncation: data.truncation ?? "disabled",
    user: data.user ?? null,
    metadata: data.metadata ?? {},
  };
}

/**
 * Throws OpenAIRequestError (400, naming the field) for anything invalid or that cannot be honoured.
 * Ollama-only knobs (keep_alive, options, num_ctx, think) ride along as on /v1/chat/completions;
 * temperature and top_p are sent only when set, so Modelfile defaults survive.
 */
export function translateResponsesRequest(input: unknown): TranslatedResponses {
  const data = parseBody(responsesSchema, input);
  refuseUnsupported(data);
  checkTopLogprobs(data.top_logprobs, "top_logprobs");
  const extras = ollamaExtras(data);
  const options: Record<string, unknown> = { ...extras.options };
  if (data.max_output_tokens != null) options.num_predict = data.max_output_tokens;
  if (data.temperature != null) options.temperature = data.temperature;
  if (data.top_p != null) options.top_p = data.top_p;
  const { tools, namespaced } = nativeResponsesTools(data);
  const body: Record<string, unknown> = {
    ...extras.fields,
    model: data.model ?? "",
    messages: convertResponsesInput(data.input, data.instructions),
    stream: true,
  };
  if (Object.keys(options).length > 0) body.options = options;
  const fmt = format(data);
  if (fmt !== undefined) body.format = fmt;
  if (tools) body.tools = tools;
  const think = thinkFromReasoning({ reasoning: data.reasoning });
  if (think !== undefined) body.think = think;
  const topLogprobs = data.top_logprobs ?? 0;
  if (data.include?.includes("message.output_text.logprobs") || topLogprobs > 0) {
    body.logprobs = true;
    if (topLogprobs > 0) body.top_logprobs = topLogprobs;
  }
  return {
    body: body as TranslatedResponses["body"],
    stream: data.stream ?? false,
    requestedModel: data.model ?? "",
    echo: echoOf(data),
    namespaced,
  };
}
