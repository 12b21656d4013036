// Anthropic's answer shapes, and the parts both the one-shot answer and the stream compute alike.
import type { ChatChunk } from "../../../wire/ollama.ts";

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";

export type ContentBlock =
  | { type: "text"; text: string }
  /** Ollama's models sign nothing; the empty signature keeps clients that expect the field happy. */
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

export interface AnthropicMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

/**
 * Ollama's `done_reason` as Anthropic's stop reason. A tool call wins (the client must act on it);
 * `stop_sequence` only comes from the proxy's own scanner, which knows the sequence.
 */
export function stopReason(doneReason: string | undefined, usedTools: boolean): StopReason {
  if (usedTools) return "tool_use";
  return doneReason === "length" ? "max_tokens" : "end_turn";
}

/** Counts from the final chunk; what Ollama left out (a takeover agent's answer) falls back to estimates. */
export function usageOf(final: ChatChunk, inputEstimate: number, produced: number): Usage {
  return {
    input_tokens: final.prompt_eval_count ?? inputEstimate,
    output_tokens: final.eval_count ?? produced,
  };
}

export interface AnswerShape {
  id: string;
  /** The model name the client asked for, echoed verbatim. */
  model: string;
}

/** Builds `content` in arrival order: consecutive text (or thinking) pieces form one block. */
export class ContentBuilder {
  readonly blocks: ContentBlock[] = [];

  text(text: string): void {
    const last = this.blocks.at(-1);
    if (last?.type === "text") last.text += text;
    else this.blocks.push({ type: "text", text });
  }

  thinking(thinking: string): void {
    const last = this.blocks.at(-1);
    if (last?.type === "thinking") last.thinking += thinking;
    else this.blocks.push({ type: "thinking", thinking, signature: "" });
  }

  toolUse(id: string, name: string, input: Record<string, unknown>): void {
    this.blocks.push({ type: "tool_use", id, name, input });
  }
}
