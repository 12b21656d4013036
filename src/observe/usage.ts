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
 * `logprobs` (written after the metrics) fall back to one parse of the whole object.
 */
const TAIL_BYTES = 1024;
const decoder = new TextDecoder();

/** Field → where it goes; counts stay counts, Ollama's nanoseconds become milliseconds. */
const NUMBERS: ReadonlyArray<readonly [string, keyof Usage, number]> = [
  ['"prompt_eval_count":', "inputTokens", 1],
  ['"eval_count":', "outputTokens", 1],
  ['"load_duration":', "loadMs", NS_PER_MS],
  ['"prompt_eval_duration":', "promptEvalMs", NS_PER_MS],
  ['"eval_duration":', "evalMs", NS_PER_MS],
  ['"total_duration":', "totalMs", NS_PER_MS],
];

export function scanUsage(bytes: Uint8Array): Usage | null {
  const from = Math.max(0, bytes.byteLength - TAIL_BYTES);
  const tail = decoder.decode(from === 0 ? bytes : bytes.subarray(from));
  // Only a final object carries these keys, and unquoted (text inside strings has its quotes
  // escaped); the last occurrence is Ollama's own, after anything an answer nests.
  const u: Usage = {};
  let found = false;
  for (const [key, field, divisor] of NUMBERS) {
    const at = tail.lastIndexOf(key);
    if (at === -1) continue;
    const value = Number.parseInt(tail.slice(at + key.length, at + key.length + 24), 10);
    if (!Number.isFinite(value)) continue;
    (u as Record<string, number>)[field] = value / divisor;
    found = true;
  }
  if (!found && from > 0) return parsed(bytes);
  // A load or unload answer has no counts, only its reason.
  if (!found && !tail.includes('"done":true')) return null;
  const reason = /"done_reason":"([a-z_]{1,32})"/.exec(tail);
  if (reason) u.finishReason = reason[1];
  return u;
}

function parsed(bytes: Uint8Array): Usage | null {
  try {
    const value = JSON.parse(decoder.decode(bytes)) as InferenceChunk;
    return value && typeof value === "object" && value.done === true ? usageFromChunk(value) : null;
  } catch {
    return null;
  }
}
