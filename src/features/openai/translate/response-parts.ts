// Pieces shared by the /v1 response builders: finish reasons, usage, tool calls and logprobs.
import type { ChatCompletionTokenLogprob } from "openai/resources/chat/completions";
import type { CompletionChoice, CompletionUsage } from "openai/resources/completions";
import type { Logprob, TokenLogprob, ToolCall } from "../../../wire/ollama.ts";
import { newToolCallId } from "./ids.ts";

export const SYSTEM_FINGERPRINT = "fp_ollama";

export type FinishReason = "stop" | "length" | "tool_calls";

/**
 * Ollama's done_reason → OpenAI's finish_reason. `load`/`unload` and unknown reasons still mean the
 * model stopped normally; only a missing reason (connection closed) is `null`.
 */
export function finishReason(doneReason: string | undefined, sawToolCalls: boolean): FinishReason | null {
  if (!doneReason) return null;
  if (doneReason === "length") return "length";
  return sawToolCalls ? "tool_calls" : "stop";
}

export function usageOf(native: { prompt_eval_count?: number; eval_count?: number }): CompletionUsage {
  const prompt = native.prompt_eval_count ?? 0;
  const completion = native.eval_count ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** Native calls carry arguments as an object; OpenAI wants a JSON string and always an id. */
export function toOpenAIToolCall(call: ToolCall): OpenAIToolCall {
  const args = call.function.arguments as unknown;
  return {
    id: call.id || newToolCallId(),
    type: "function",
    function: {
      name: call.function.name,
      arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}),
    },
  };
}

const encoder = new TextEncoder();

function tokenLogprob(lp: TokenLogprob): ChatCompletionTokenLogprob.TopLogprob {
  // OpenAI always sends the token's UTF-8 bytes; compute them when Ollama leaves them out.
  return { token: lp.token, logprob: lp.logprob, bytes: lp.bytes ?? Array.from(encoder.encode(lp.token)) };
}

export interface ChatLogprobs {
  content: ChatCompletionTokenLogprob[];
  refusal: null;
}

export function toChatLogprobs(logprobs: Logprob[] | undefined): ChatLogprobs | null {
  if (!logprobs?.length) return null;
  return {
    content: logprobs.map((lp) => ({
      ...tokenLogprob(lp),
      top_logprobs: (lp.top_logprobs ?? []).map(tokenLogprob),
    })),
    refusal: null,
  };
}

/** The legacy completions shape; `offset` is where this text starts in the whole completion. */
export function toCompletionLogprobs(
  logprobs: Logprob[] | undefined,
  offset: number,
): CompletionChoice.Logprobs | null {
  if (!logprobs?.length) return null;
  const textOffset: number[] = [];
  let at = offset;
  for (const lp of logprobs) {
    textOffset.push(at);
    at += lp.token.length;
  }
  return {
    tokens: logprobs.map((lp) => lp.token),
    token_logprobs: logprobs.map((lp) => lp.logprob),
    top_logprobs: logprobs.map((lp) =>
      Object.fromEntries((lp.top_logprobs ?? []).map((t) => [t.token, t.logprob])),
    ),
    text_offset: textOffset,
  };
}
