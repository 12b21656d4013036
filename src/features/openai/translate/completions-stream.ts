// Renders one streamed legacy completion: native /api/generate chunks in, OpenAI SSE events out.
import type { CompletionChoice } from "openai/resources/completions";
import type { GenerateChunk } from "../../../wire/ollama.ts";
import {
  type FinishReason,
  finishReason,
  SYSTEM_FINGERPRINT,
  toCompletionLogprobs,
  usageOf,
} from "./response-parts.ts";
import { SSE_DONE, sseData, sseError } from "./sse.ts";
import {
  type StreamRenderer,
  type StreamRendererOptions,
  type StreamState,
  TRUNCATED_STREAM_MESSAGE,
} from "./stream-types.ts";

/** OpenAI's type forbids `null` and `tool_calls`; the wire uses `null` on every chunk but the last. */
type StreamChoice = Omit<CompletionChoice, "finish_reason"> & { finish_reason: FinishReason | null };

export function createCompletionStreamRenderer(opts: StreamRendererOptions): StreamRenderer<GenerateChunk> {
  let state: StreamState = "open";
  // Where the next text starts in the whole completion, for the legacy logprobs `text_offset`.
  let offset = 0;

  const envelope = (choices: StreamChoice[]) => ({
    id: opts.id,
    object: "text_completion" as const,
    created: opts.created,
    model: opts.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
  });

  const error = (message: string, status = 500): string => {
    if (state !== "open") return "";
    state = "failed";
    return sseError(message, status);
  };

  const chunk = (native: GenerateChunk): string => {
    if (state !== "open") return "";
    if (typeof native.error === "string") return error(native.error);
    const text = native.response ?? "";
    const logprobs = toCompletionLogprobs(native.logprobs, offset);
    offset += text.length;
    // Thinking-only chunks carry no completion text; sending empty events would only add noise.
    if (!native.done) {
      return text || logprobs ? sseData(envelope([{ text, index: 0, finish_reason: null, logprobs }])) : "";
    }
    const reason = finishReason(native.done_reason, false);
    let out = sseData(envelope([{ text, index: 0, finish_reason: reason, logprobs }]));
    // Usage only on its own final event, not zeroed on every chunk as Ollama's compat layer does.
    if (opts.includeUsage) {
      out += sseData({ ...envelope([]), usage: usageOf(native) });
    }
    state = "done";
    return out + SSE_DONE;
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
