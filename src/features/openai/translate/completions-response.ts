// A complete (aggregated) native generate response → an OpenAI `text_completion` object.
import type { Completion, CompletionChoice } from "openai/resources/completions";
import type { GenerateChunk } from "../../../wire/ollama.ts";
import type { ResponseOptions } from "./chat-response.ts";
import {
  type FinishReason,
  finishReason,
  SYSTEM_FINGERPRINT,
  toCompletionLogprobs,
  usageOf,
} from "./response-parts.ts";

export interface CompletionResult extends Omit<Completion, "choices"> {
  choices: Array<Omit<CompletionChoice, "finish_reason"> & { finish_reason: FinishReason | null }>;
}

export function toCompletion(native: GenerateChunk, opts: ResponseOptions): CompletionResult {
  return {
    id: opts.id,
    object: "text_completion",
    created: opts.created,
    model: opts.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [
      {
        text: native.response ?? "",
        index: 0,
        finish_reason: finishReason(native.done_reason, false),
        logprobs: toCompletionLogprobs(native.logprobs, 0),
      },
    ],
    usage: usageOf(native),
  };
}
