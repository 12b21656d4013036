// Folds a native NDJSON stream into one native response, for /v1 clients that asked for no stream.
import type { NativeChatChunk, NativeGenerateChunk, NativeLogprob, NativeToolCall } from "./native-types.ts";

export interface Accumulator<Chunk> {
  /** Feed every chunk in order; the caller deals with `error` lines before they get here. */
  add(chunk: Chunk): void;
  /** The same object Ollama returns for `stream:false`: text concatenated, metrics from the done chunk. */
  result(): Chunk;
  /** Whether a `done:true` chunk was seen; without one the upstream stream was cut short. */
  readonly done: boolean;
}

interface Common {
  logprobs: NativeLogprob[];
  final: NativeChatChunk & NativeGenerateChunk;
}

function addCommon(acc: Common, chunk: NativeChatChunk | NativeGenerateChunk): void {
  if (chunk.logprobs) acc.logprobs.push(...chunk.logprobs);
  // Metrics and done_reason arrive on the final chunk; model/created_at are the same on every chunk.
  const {
    message: _m,
    response: _r,
    thinking: _t,
    logprobs: _l,
    ...rest
  } = chunk as NativeChatChunk & NativeGenerateChunk;
  Object.assign(acc.final, rest);
}

export function createChatAccumulator(): Accumulator<NativeChatChunk> {
  const acc: Common = { logprobs: [], final: {} };
  let content = "";
  let thinking = "";
  const toolCalls: NativeToolCall[] = [];
  return {
    add(chunk) {
      content += chunk.message?.content ?? "";
      thinking += chunk.message?.thinking ?? "";
      toolCalls.push(...(chunk.message?.tool_calls ?? []));
      addCommon(acc, chunk);
    },
    result() {
      const message: NativeChatChunk["message"] = { role: "assistant", content };
      if (thinking) message.thinking = thinking;
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      const out: NativeChatChunk = { ...acc.final, message };
      if (acc.logprobs.length > 0) out.logprobs = acc.logprobs;
      return out;
    },
    get done() {
      return acc.final.done === true;
    },
  };
}

export function createGenerateAccumulator(): Accumulator<NativeGenerateChunk> {
  const acc: Common = { logprobs: [], final: {} };
  let response = "";
  let thinking = "";
  return {
    add(chunk) {
      response += chunk.response ?? "";
      thinking += chunk.thinking ?? "";
      addCommon(acc, chunk);
    },
    result() {
      const out: NativeGenerateChunk = { ...acc.final, response };
      if (thinking) out.thinking = thinking;
      if (acc.logprobs.length > 0) out.logprobs = acc.logprobs;
      return out;
    },
    get done() {
      return acc.final.done === true;
    },
  };
}
