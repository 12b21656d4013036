// Ollama's counts found in a final answer's bytes without parsing it, and the fall-backs.
import { expect, test } from "bun:test";
import { scanUsage, usageFromChunk } from "../../../src/observe/usage.ts";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const METRICS = {
  total_duration: 9_000_000,
  load_duration: 2_000_000,
  prompt_eval_count: 12,
  prompt_eval_duration: 3_000_000,
  eval_count: 34,
  eval_duration: 4_000_000,
};
const expected = { inputTokens: 12, outputTokens: 34, loadMs: 2, promptEvalMs: 3, evalMs: 4, totalMs: 9 };

test("a chat's final object: counts and durations (ms), and why it stopped", () => {
  const chunk = {
    model: "m",
    message: { role: "assistant", content: "hi" },
    done: true,
    done_reason: "stop",
    ...METRICS,
  };
  expect(scanUsage(bytes(chunk))).toEqual({ ...expected, finishReason: "stop" });
  expect(usageFromChunk(chunk)).toEqual({ ...expected, finishReason: "stop" });
});

test("a generate answer with a long context before the metrics: only the tail is read", () => {
  const chunk = {
    model: "m",
    response: "x".repeat(5000),
    done: true,
    done_reason: "length",
    context: Array(3000).fill(7),
    ...METRICS,
  };
  expect(scanUsage(bytes(chunk))).toEqual({ ...expected });
});

test("logprobs after the metrics push them out of the tail: the object is parsed once instead", () => {
  const logprobs = Array.from({ length: 200 }, (_, i) => ({ token: `t${i}`, logprob: -0.5 }));
  const chunk = {
    model: "m",
    message: { role: "assistant", content: "hi" },
    done: true,
    ...METRICS,
    logprobs,
  };
  expect(scanUsage(bytes(chunk))).toMatchObject(expected);
});

test("text that merely looks like the fields, and unfinished answers, give nothing", () => {
  expect(scanUsage(bytes({ model: "m", message: { content: '"eval_count":99' }, done: false }))).toBeNull();
  expect(scanUsage(new TextEncoder().encode("not json"))).toBeNull();
});

test("a load answer has no counts, only its reason", () => {
  expect(scanUsage(bytes({ model: "m", response: "", done: true, done_reason: "load" }))).toEqual({
    finishReason: "load",
  });
});
