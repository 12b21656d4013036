// Ollama's own counts and durations from a final (`done`) answer: from a parsed chunk, or found in the
// bytes of one without parsing them (the fast path relays the upstream's bytes unread).
import type { InferenceChunk } from "../wire/ollama.ts";

/** What a finished answer says about itself; durations in milliseconds (Ollama sends nanoseconds). */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  loadMs?: number;
  promptEvalMs?: number;
  evalMs?: number;
  totalMs?: number;
  finishReason?: string;
}

const NS_PER_MS = 1e6;

export function usageFromChunk(chunk: InferenceChunk): Usage {
  const u: Usage = {};
  if (typeof chunk.prompt_eval_count === "number") u.inputTokens = chunk.prompt_eval_count;
  if (typeof chunk.eval_count === "number") u.outputTokens = chunk.eval_count;
  if (typeof chunk.load_duration === "number") u.loadMs = chunk.load_duration / NS_PER_MS;
  if (typeof chunk.prompt_eval_duration === "number") u.promptEvalMs = chunk.prompt_eval_duration / NS_PER_MS;
  if (typeof chunk.eval_duration === "number") u.evalMs = chunk.eval_duration / NS_PER_MS;
  if (typeof chunk.total_duration === "number") u.totalMs = chunk.total_duration / NS_PER_MS;
  if (typeof chunk.done_reason === "string") u.finishReason = chunk.done_reason;
  return u;
}

/**
 * Ollama writes its metrics last in a final object (after `message` or `response`, and `context`),
 * so they lie in the last few hundred bytes: only that tail is decoded and searched. Answers with
 * `logprobs` (written after the metrics) or a long tail fall back to one parse of the whole object.
 */
const TAIL_BYTES = 1024;
const FIELDS =
  /"(prompt_eval_count|eval_count|load_duration|prompt_eval_duration|eval_duration|total_duration|done_reason)":\s*(\d+|"[a-z_]{1,32}")/g;
const decoder = new TextDecoder();

export function scanUsage(bytes: Uint8Array): Usage | null {
  const from = Math.max(0, bytes.byteLength - TAIL_BYTES);
  const tail = decoder.decode(from === 0 ? bytes : bytes.subarray(from));
  if (!tail.includes('"done":true')) {
    // `done` comes before the metrics; in a long tail (logprobs) parse the object once.
    if (from === 0 || !decoder.decode(bytes).includes('"done":true')) return null;
    return parsed(bytes);
  }
  const u: Usage = {};
  let found = false;
  for (const m of tail.matchAll(FIELDS)) {
    const value = m[2] as string;
    found = true;
    switch (m[1]) {
      case "prompt_eval_count":
        u.inputTokens = Number(value);
        break;
      case "eval_count":
        u.outputTokens = Number(value);
        break;
      case "load_duration":
        u.loadMs = Number(value) / NS_PER_MS;
        break;
      case "prompt_eval_duration":
        u.promptEvalMs = Number(value) / NS_PER_MS;
        break;
      case "eval_duration":
        u.evalMs = Number(value) / NS_PER_MS;
        break;
      case "total_duration":
        u.totalMs = Number(value) / NS_PER_MS;
        break;
      case "done_reason":
        u.finishReason = value.slice(1, -1);
        break;
    }
  }
  return found || from === 0 ? u : parsed(bytes);
}

function parsed(bytes: Uint8Array): Usage | null {
  try {
    const value = JSON.parse(decoder.decode(bytes)) as InferenceChunk;
    return value && typeof value === "object" && value.done === true ? usageFromChunk(value) : null;
  } catch {
    return null;
  }
}
