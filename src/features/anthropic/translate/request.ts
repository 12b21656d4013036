// POST /v1/messages body → native /api/chat body, plus what the renderer needs to answer like Anthropic.
import { z } from "zod";
import type { ChatRequest, Format } from "../../../wire/ollama.ts";
import { estimateInputTokens } from "./count-tokens.ts";
import { convertMessages, convertSystem } from "./messages.ts";
import { thinkingFrom } from "./thinking.ts";
import { convertTools } from "./tools.ts";
import { isRecord, parseBody, refuse } from "./validate.ts";

const schema = z.looseObject({
  model: z.string().nullish(),
  max_tokens: z.number().int().nullish(),
  messages: z.array(z.unknown()),
  system: z.unknown().optional(),
  stream: z.boolean().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().int().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  tools: z.unknown().optional(),
  tool_choice: z.unknown().optional(),
  thinking: z.unknown().optional(),
  output_config: z.unknown().optional(),
  mcp_servers: z.unknown().optional(),
});

export type MessagesInput = z.output<typeof schema>;

export interface TranslatedMessages {
  body: ChatRequest;
  stream: boolean;
  /** Echoed in every answer, alias or not ("" when the request named none). */
  requestedModel: string;
  /** Watched for by the proxy itself, so it can report which one stopped the answer. */
  stopSequences: string[];
  showThinking: boolean;
  /** `think` came from `output_config.effort`: retry without it on a model that cannot think. */
  relaxThinking: boolean;
  /** Ollama's len/4 estimate, for `message_start` (the real count only comes at the end). */
  inputEstimate: number;
}

function formatFrom(outputConfig: unknown): Format | undefined {
  if (outputConfig == null) return undefined;
  if (!isRecord(outputConfig)) return refuse("output_config", "must be an object");
  const format = outputConfig.format;
  if (format == null) return undefined;
  if (!isRecord(format) || format.type !== "json_schema" || !isRecord(format.schema)) {
    return refuse("output_config.format", 'expected {"type":"json_schema","schema":{…}}');
  }
  return format.schema;
}

/** The parts count_tokens shares with /v1/messages: checked the same way, refused the same way. */
export function parseMessagesInput(input: unknown): MessagesInput {
  const data = parseBody(schema, input);
  if (data.messages.length === 0) refuse("messages", "at least one message is required");
  if (Array.isArray(data.mcp_servers) && data.mcp_servers.length > 0) {
    refuse("mcp_servers", "the MCP connector runs at Anthropic; Ollama cannot reach MCP servers");
  }
  return data;
}

/**
 * POST /v1/messages/count_tokens: the request is checked exactly as /v1/messages would check it
 * (but for max_tokens), so a count never succeeds for a request the messages route refuses.
 */
export function countTokens(input: unknown): { model: string; inputTokens: number } {
  const data = parseMessagesInput(input);
  convertSystem(data.system);
  convertMessages(data.messages);
  convertTools(data.tools, data.tool_choice);
  thinkingFrom(data.thinking, data.output_config);
  formatFrom(data.output_config);
  return { model: data.model ?? "", inputTokens: estimateInputTokens(data) };
}

/**
 * Throws AnthropicRequestError (400, the message naming the field) for anything invalid or that
 * Ollama cannot honour. `metadata`, `service_tier`, `cache_control` and unknown fields are accepted
 * and have no effect.
 */
export function translateMessagesRequest(input: unknown): TranslatedMessages {
  const data = parseMessagesInput(input);
  if (data.max_tokens == null) refuse("max_tokens", "Field required");
  if (data.max_tokens < 1) refuse("max_tokens", "must be at least 1");
  (data.stop_sequences ?? []).forEach((s, i) => {
    if (s === "") refuse(`stop_sequences.${i}`, "must not be empty");
  });
  const system = convertSystem(data.system);
  const messages = convertMessages(data.messages);
  const options: Record<string, unknown> = { num_predict: data.max_tokens };
  if (data.temperature != null) options.temperature = data.temperature;
  if (data.top_p != null) options.top_p = data.top_p;
  if (data.top_k != null) options.top_k = data.top_k;
  const body: ChatRequest = {
    model: data.model ?? "",
    messages: system ? [system, ...messages] : messages,
    stream: true,
    options,
  };
  const tools = convertTools(data.tools, data.tool_choice);
  if (tools) body.tools = tools;
  const thinking = thinkingFrom(data.thinking, data.output_config);
  if (thinking.think !== undefined) body.think = thinking.think;
  const format = formatFrom(data.output_config);
  if (format !== undefined) body.format = format;
  return {
    body,
    stream: data.stream === true,
    requestedModel: data.model ?? "",
    stopSequences: data.stop_sequences ?? [],
    showThinking: thinking.show,
    relaxThinking: thinking.fromEffort,
    inputEstimate: estimateInputTokens(data),
  };
}
