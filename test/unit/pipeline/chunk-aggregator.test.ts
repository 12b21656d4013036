// Folding native NDJSON chunks into the one object Ollama returns for "stream": false.
import { describe, expect, test } from "bun:test";
import { toChatCompletion } from "../../../src/features/openai/translate/chat-response.ts";
import { toCompletion } from "../../../src/features/openai/translate/completions-response.ts";
import type { ChatChunk, GenerateChunk } from "../../../src/features/openai/translate/index.ts";
import { ChunkAggregator } from "../../../src/pipeline/chunks.ts";
import type { InferenceChunk as NativeChunk } from "../../../src/wire/ollama.ts";
import { GENERATE_PLAIN, PLAIN, say, THINKING, TOOL_CALLS } from "../openai/native-fixtures.ts";

const createChatAccumulator = () => {
  const agg = new ChunkAggregator("chat");
  let done = false;
  return {
    add(c: ChatChunk) {
      agg.add(c as NativeChunk);
      done ||= c.done === true;
    },
    result: () => agg.result() as ChatChunk,
    get done() {
      return done;
    },
  };
};
const createGenerateAccumulator = () => {
  const agg = new ChunkAggregator("generate");
  return {
    add: (c: GenerateChunk) => agg.add(c as NativeChunk),
    result: () => agg.result() as GenerateChunk,
  };
};

describe("chat chunks", () => {
  test("concatenates content and thinking, keeps the final metrics", () => {
    const acc = createChatAccumulator();
    for (const c of THINKING) acc.add(c);
    expect(acc.done).toBe(true);
    const res = acc.result();
    expect(res.message).toEqual({
      role: "assistant",
      content: "The answer is 4.",
      thinking: "Let me think.Done.",
    });
    expect([res.done, res.done_reason, res.prompt_eval_count, res.eval_count]).toEqual([true, "stop", 12, 7]);
  });

  test("collects tool calls across chunks; feeds toChatCompletion", () => {
    const acc = createChatAccumulator();
    for (const c of TOOL_CALLS) acc.add(c);
    const completion = toChatCompletion(acc.result(), { id: "c", created: 0, model: "m" });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(
      completion.choices[0]?.message.tool_calls?.map((t) => t.type === "function" && t.function.name),
    ).toEqual(["get_weather", "get_time"]);
  });

  test("accumulates logprobs; reports a stream without done", () => {
    const acc = createChatAccumulator();
    acc.add({ ...say("a"), logprobs: [{ token: "a", logprob: -1 }] });
    acc.add({ ...say("b"), logprobs: [{ token: "b", logprob: -2 }] });
    expect(acc.done).toBe(false);
    expect(acc.result().logprobs).toEqual([
      { token: "a", logprob: -1 },
      { token: "b", logprob: -2 },
    ]);
  });

  test("plain text result has no empty thinking or tool_calls", () => {
    const acc = createChatAccumulator();
    for (const c of PLAIN) acc.add(c);
    expect(acc.result().message).toEqual({ role: "assistant", content: "Hello world" });
  });
});

describe("generate chunks", () => {
  test("concatenates response and thinking; feeds toCompletion", () => {
    const acc = createGenerateAccumulator();
    for (const c of GENERATE_PLAIN) acc.add(c);
    const res = acc.result();
    expect([res.response, res.thinking, res.done_reason, res.eval_count]).toEqual([
      "def add(a, b):",
      "hmm",
      "stop",
      7,
    ]);
    expect(toCompletion(res, { id: "c", created: 0, model: "m" }).choices[0]?.text).toBe("def add(a, b):");
  });
});
