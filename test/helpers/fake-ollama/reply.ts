// Deterministic model output: reply text split into chunks, thinking, tool calls, num_predict, metrics.
import type { Tool, ToolCall } from "../../../src/wire/ollama.ts";

/** One generated chunk; content is always present (Ollama serialises it even when empty). */
export interface Piece {
  content: string;
  thinking?: string;
  toolCalls?: WireToolCall[];
}

/** ToolCall as Ollama sends it: ollama-js's type lacks the id and index the server adds. */
export interface WireToolCall {
  id: string;
  function: ToolCall["function"] & { index: number };
}

export interface ReplyPlan {
  pieces: Piece[];
  doneReason: "stop" | "length";
}

export const THINKING_TEXT = "Let me think about it.";

/** "You said: hi" → ["You", " said:", " hi"]: one chunk per word, spaces kept in front. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

/** Exactly n chunks of near-equal length (some may be empty when n exceeds the text length). */
export function splitInto(text: string, n: number): string[] {
  const chars = [...text];
  return Array.from({ length: n }, (_, i) =>
    chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(""),
  );
}

function callId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `call_${[...bytes].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

/** A plausible value of the declared JSON-schema type for each required parameter. */
function sampleArgument(schema: { type?: string | string[]; enum?: unknown[] } | undefined): unknown {
  if (schema?.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  const samples: Record<string, unknown> = { number: 1, integer: 1, boolean: true, array: [], object: {} };
  return type && type in samples ? samples[type] : "test";
}

export function toolCallFor(tool: Tool): WireToolCall {
  const params = tool.function.parameters;
  const args: Record<string, unknown> = {};
  for (const name of params?.required ?? []) args[name] = sampleArgument(params?.properties?.[name]);
  return { id: callId(), function: { index: 0, name: tool.function.name ?? "", arguments: args } };
}

export interface PlanInput {
  text: string;
  thinking: boolean;
  toolCall?: WireToolCall;
  numPredict?: number;
  /** x-fake-chunks: content chunk count; null = one per word. */
  chunks: number | null;
}

/** Thinking first (two chunks), then either the tool call or the content, cut by num_predict. */
export function planReply(input: PlanInput): ReplyPlan {
  const pieces: Piece[] = [];
  if (input.thinking)
    pieces.push({ content: "", thinking: "Let me think" }, { content: "", thinking: " about it." });
  if (input.toolCall) {
    pieces.push({ content: "", toolCalls: [input.toolCall] });
    return { pieces, doneReason: "stop" };
  }
  let content = input.chunks ? splitInto(input.text, input.chunks) : splitWords(input.text);
  let doneReason: ReplyPlan["doneReason"] = "stop";
  // Negative num_predict means "no limit" (-1 infinite, -2 fill the context).
  if (input.numPredict !== undefined && input.numPredict >= 0 && input.numPredict < content.length) {
    content = content.slice(0, input.numPredict);
    doneReason = "length";
  }
  for (const c of content) pieces.push({ content: c });
  return { pieces, doneReason };
}

/** Rough token count for prompt_eval_count. */
export function countTokens(text: string): number {
  return Math.max(1, splitWords(text.trim()).filter((w) => w.trim()).length);
}

/** Ollama's metrics (nanoseconds), all omitempty: zero values are left out. */
export function metrics(promptTokens: number, evalCount: number): Record<string, number> {
  const m: Record<string, number> = {
    total_duration: 0,
    load_duration: 1_250_000,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: promptTokens * 250_000,
    eval_count: evalCount,
    eval_duration: evalCount * 1_000_000,
  };
  m.total_duration =
    (m.load_duration ?? 0) + (m.prompt_eval_duration ?? 0) + (m.eval_duration ?? 0) + 500_000;
  for (const [k, v] of Object.entries(m)) if (v === 0) delete m[k];
  return m;
}

/** The reply text: the override verbatim, else an echo of the user (wrapped in JSON when format asks). */
export function replyTextFor(override: string | null, format: unknown, said: string, images: number): string {
  if (override !== null) return override;
  const base = `${images ? `I see ${images} image(s). ` : ""}You said: ${said}`;
  return format ? JSON.stringify({ reply: base }) : base;
}

/** options.num_predict when it is a number. */
export function numPredict(options: unknown): number | undefined {
  const n = (options as { num_predict?: unknown } | null | undefined)?.num_predict;
  return typeof n === "number" ? n : undefined;
}
