// Loose views of Ollama's wire objects: ollama-js types every metric as required and omits fields the server sends.
import type { Message, ToolCall } from "ollama";

/** ollama-js's ToolCall lacks the `id` and `function.index` the server adds (api/types.go). */
export interface NativeToolCall extends ToolCall {
  id?: string;
  function: ToolCall["function"] & { index?: number };
}

/** A chat message as sent to /api/chat: ollama-js's Message lacks `tool_call_id`. */
export type NativeMessage = Omit<Message, "tool_calls"> & {
  tool_calls?: NativeToolCall[];
  tool_call_id?: string;
};

export interface NativeTokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
}

export interface NativeLogprob extends NativeTokenLogprob {
  top_logprobs?: NativeTokenLogprob[];
}

/** Fields both chunk kinds share; zero metrics are omitted on the wire, so all are optional. */
interface NativeChunkBase {
  model?: string;
  created_at?: Date | string;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  logprobs?: NativeLogprob[];
  /** Present only on the in-band error line that ends a failed NDJSON stream. */
  error?: string;
}

/** One /api/chat NDJSON object (a `ChatResponse` from ollama-js is assignable to it). */
export interface NativeChatChunk extends NativeChunkBase {
  message?: Partial<NativeMessage>;
}

/** One /api/generate NDJSON object (a `GenerateResponse` from ollama-js is assignable to it). */
export interface NativeGenerateChunk extends NativeChunkBase {
  response?: string;
  thinking?: string;
  context?: number[];
}
