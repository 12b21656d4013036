// Renders one streamed chat completion: native /api/chat chunks in, OpenAI SSE events out.
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
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
import { SSE_DONE, sseData, sseError } from "./sse.ts";
import {
  type StreamRenderer,
  type StreamRendererOptions,
  type StreamState,
  TRUNCATED_STREAM_MESSAGE,
} from "./stream-types.ts";

export { newChatCompletionId, newCompletionId } from "./ids.ts";
export type { StreamRenderer, StreamRendererOptions, StreamState } from "./stream-types.ts";

/** Ollama names the thinking field `reasoning` (not `reasoning_content`); we keep its spelling. */
type Delta = ChatCompletionChunk.Choice.Delta & { reasoning?: string };

export function createChatStreamRenderer(opts: StreamRendererOptions): StreamRenderer<ChatChunk> {
  let state: StreamState = "open";
  let sentRole = false;
  let toolCalls = 0;

  const envelope = (choices: ChatCompletionChunk.Choice[]): ChatCompletionChunk => ({
    id: opts.id,
    object: "chat.completion.chunk",
    created: opts.created,
    model: opts.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
  });
  const frame = (delta: Delta, finish: FinishReason | null = null, logprobs: ChatLogprobs | null = null) => {
    const choice: ChatCompletionChunk.Choice = { index: 0, delta, finish_reason: finish };
    if (logprobs) choice.logprobs = logprobs;
    return sseData(envelope([choice]));
  };
  // OpenAI clients read the role from the first delta only.
  const withRole = (delta: Delta): Delta => {
    if (sentRole) return delta;
    sentRole = true;
    return { role: "assistant", ...delta };
  };

  const error = (message: string, status = 500): string => {
    if (state !== "open") return "";
    state = "failed";
    return sseError(message, status);
  };

  const chunk = (native: ChatChunk): string => {
    if (state !== "open") return "";
    // The NDJSON error line that ends a failed upstream stream.
    if (typeof native.error === "string") return error(native.error);
    const message = native.message ?? {};
    const calls = message.tool_calls ?? [];
    const logprobs = toChatLogprobs(native.logprobs);
    let out = "";
    // Reasoning gets its own event ahead of content, as Ollama does, so clients can route it separately.
    if (message.thinking) out += frame(withRole({ content: "", reasoning: message.thinking }));
    if (message.content || calls.length > 0 || logprobs || !sentRole) {
      const delta: Delta = { content: message.content ?? "" };
      // Ollama emits each call whole, so each becomes one complete delta with its own index.
      if (calls.length > 0) {
        delta.tool_calls = calls.map((call) => ({ index: toolCalls++, ...toOpenAIToolCall(call) }));
      }
      out += frame(withRole(delta), null, logprobs);
    }
    if (native.done) {
      out += frame({}, finishReason(native.done_reason, toolCalls > 0));
      if (opts.includeUsage) out += sseData({ ...envelope([]), usage: usageOf(native) });
      out += SSE_DONE;
      state = "done";
    }
    return out;
  };

  return {
    chunk,
    error,
    end: () => error(TRUNCATED_STREAM_MESSAGE, 502),
    get state() {
      return state;
    },
  };
}
