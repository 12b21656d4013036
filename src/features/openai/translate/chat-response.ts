// A complete (aggregated) native chat response → an OpenAI `chat.completion` object.
import type { ChatCompletion, ChatCompletionMessage } from "openai/resources/chat/completions";
import type { ChatChunk } from "../../../wire/ollama.ts";
import {
  type ChatLogprobs,
  type FinishReason,
  finishReason,
  SYSTEM_FINGERPRINT,
  toChatLogprobs,
  toOpenAIToolCall,
  usageOf,
} from "./response-parts.ts";

export interface ResponseOptions {
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model name the client asked for, echoed verbatim. */
  model: string;
}

export interface ChatCompletionResult extends Omit<ChatCompletion, "choices"> {
  choices: Array<{
    index: number;
    message: ChatCompletionMessage & { reasoning?: string };
    /** `null` when Ollama gave no done_reason, which OpenAI's own type does not allow for. */
    finish_reason: FinishReason | null;
    logprobs: ChatLogprobs | null;
  }>;
}

export function toChatCompletion(native: ChatChunk, opts: ResponseOptions): ChatCompletionResult {
  const source = native.message ?? {};
  const calls = (source.tool_calls ?? []).map(toOpenAIToolCall);
  // OpenAI answers `content: null` beside tool calls; clients branch on that rather than on "".
  const message: ChatCompletionResult["choices"][number]["message"] = {
    role: "assistant",
    content: source.content || (calls.length > 0 ? null : ""),
    refusal: null,
  };
  if (source.thinking) message.reasoning = source.thinking;
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: opts.id,
    object: "chat.completion",
    created: opts.created,
    model: opts.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [
      {
        index: 0,
        message,
        finish_reason: finishReason(native.done_reason, calls.length > 0),
        logprobs: toChatLogprobs(native.logprobs),
      },
    ],
    usage: usageOf(native),
  };
}
