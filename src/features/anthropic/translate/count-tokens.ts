// The input-token estimate behind count_tokens and message_start: Ollama's own bytes/4 rule.
import { isRecord } from "./validate.ts";

export interface CountableInput {
  system?: unknown;
  messages: readonly unknown[];
  tools?: unknown;
}

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

/** Image data says nothing about the tokens a vision model spends on it, so it is not counted. */
function withoutImageData(_key: string, value: unknown): unknown {
  if (isRecord(value) && value.type === "base64" && typeof value.data === "string")
    return { ...value, data: "" };
  return value;
}

function blockBytes(block: unknown): number {
  if (typeof block === "string") return bytes(block);
  if (!isRecord(block)) return 0;
  let n = 0;
  if (typeof block.text === "string") n += bytes(block.text);
  if (typeof block.thinking === "string") n += bytes(block.thinking);
  if (block.type === "tool_use" || block.type === "tool_result")
    n += bytes(JSON.stringify(block, withoutImageData));
  return n;
}

function contentBytes(content: unknown): number {
  if (typeof content === "string") return bytes(content);
  if (Array.isArray(content)) return content.reduce((n: number, block) => n + blockBytes(block), 0);
  return 0;
}

/**
 * As Ollama estimates it (anthropic.EstimateCountTokens): UTF-8 bytes of the system prompt, each
 * role, each block's text and thinking, the JSON of tool_use and tool_result blocks, and each tool's
 * name, description and schema, divided by 4 — at least 1 when there is any input. Not a tokenizer:
 * Ollama exposes none, and counting with the model itself would cost a prompt evaluation.
 */
export function estimateInputTokens(input: CountableInput): number {
  let total = contentBytes(input.system);
  for (const message of input.messages) {
    if (!isRecord(message)) continue;
    if (typeof message.role === "string") total += bytes(message.role);
    total += contentBytes(message.content);
  }
  if (Array.isArray(input.tools)) {
    for (const tool of input.tools) {
      if (!isRecord(tool)) continue;
      if (typeof tool.name === "string") total += bytes(tool.name);
      if (typeof tool.description === "string") total += bytes(tool.description);
      if (tool.input_schema != null) total += bytes(JSON.stringify(tool.input_schema));
    }
  }
  const tokens = Math.floor(total / 4);
  return tokens === 0 && (input.messages.length > 0 || input.system != null) ? 1 : tokens;
}
