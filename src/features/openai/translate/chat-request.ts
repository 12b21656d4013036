// POST /v1/chat/completions body → native /api/chat body (without Ollama's lossy defaults).

import { z } from "zod";
import type { ChatRequest } from "../../../wire/ollama.ts";
import { convertMessages, messageSchema } from "./chat-messages.ts";
import { nativeTools, toolsShape } from "./chat-tools.ts";
import { ollamaExtras, ollamaExtrasShape } from "./ollama-extras.ts";
import { OpenAIRequestError } from "./openai-error.ts";
import { reasoningShape, thinkFromReasoning } from "./reasoning.ts";
import { checkTopLogprobs, requireModel, streamShape, streamWish } from "./request-common.ts";
import { formatFromResponseFormat, responseFormatShape } from "./response-format.ts";
import { refuseUnsupportedSampling, samplingOptions, samplingShape } from "./sampling.ts";
import { parseBody } from "./validate.ts";

export interface TranslatedChat {
  body: ChatRequest & Record<string, unknown>;
  /** What the client asked for; the native body always streams and the pipeline aggregates. */
  stream: boolean;
  includeUsage: boolean;
  /** Echoed back verbatim in every response object. */
  requestedModel: string;
}

const chatSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema),
  max_tokens: z.number().int().nullish(),
  max_completion_tokens: z.number().int().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
  audio: z.unknown().optional(),
  modalities: z.array(z.string()).nullish(),
  ...streamShape,
  ...samplingShape,
  ...toolsShape,
  ...reasoningShape,
  ...responseFormatShape,
  ...ollamaExtrasShape,
});

type ChatInput = z.output<typeof chatSchema>;

function refuseUnsupported(data: ChatInput): void {
  refuseUnsupportedSampling(data);
  if (data.audio != null) throw new OpenAIRequestError("audio output is not supported", 400, "audio");
  if (data.modalities?.includes("audio")) {
    throw new OpenAIRequestError("audio output is not supported", 400, "modalities");
  }
}

/**
 * Throws OpenAIRequestError (400, naming the field) for anything invalid or unsupported. Metadata
 * fields (`user`, `metadata`, `store`, `service_tier`, `parallel_tool_calls`…) are accepted and dropped.
 * Where an OpenAI field and an Ollama extra say the same thing, the OpenAI field wins.
 */
export function translateChatRequest(input: unknown): TranslatedChat {
  const data = parseBody(chatSchema, input);
  requireModel(data.model);
  if (data.messages.length === 0)
    throw new OpenAIRequestError("[] is too short - 'messages'", 400, "messages");
  refuseUnsupported(data);
  checkTopLogprobs(data.top_logprobs, "top_logprobs");

  const extras = ollamaExtras(data);
  // Ollama reads only max_tokens; max_completion_tokens is its documented replacement, so it wins.
  const maxTokens = data.max_completion_tokens ?? data.max_tokens;
  const options = { ...extras.options, ...samplingOptions(data, maxTokens) };
  const body: Record<string, unknown> = {
    ...extras.fields,
    model: data.model,
    messages: convertMessages(data.messages),
    stream: true,
  };
  if (Object.keys(options).length > 0) body.options = options;
  const format = formatFromResponseFormat(data);
  if (format !== undefined) body.format = format;
  const tools = nativeTools(data);
  if (tools) body.tools = tools;
  const think = thinkFromReasoning(data);
  if (think !== undefined) body.think = think;
  if (data.logprobs != null) body.logprobs = data.logprobs;
  if (data.top_logprobs != null) body.top_logprobs = data.top_logprobs;

  return {
    // ollama-js's types lag the server (no think "max", no tool_call_id); the wire accepts them.
    body: body as TranslatedChat["body"],
    ...streamWish(data),
    requestedModel: data.model,
  };
}
