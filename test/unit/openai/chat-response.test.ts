// toChatCompletion: the non-streamed chat.completion object.
import { describe, expect, test } from "bun:test";
import { toChatCompletion } from "../../../src/features/openai/translate/chat-response.ts";
import { chatDone } from "./native-fixtures.ts";

const OPTS = { id: "chatcmpl-x", created: 1_700_000_000, model: "my-model" };
const finalWith = (message: Record<string, unknown>, reason = "stop") => ({
  ...chatDone(reason),
  message: { role: "assistant", content: "", ...message },
});

describe("toChatCompletion", () => {
  test("plain answer: full envelope, usage always, fingerprint fp_ollama", () => {
    expect(toChatCompletion(finalWith({ content: "Hello" }), OPTS)).toEqual({
      id: "chatcmpl-x",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "my-model",
      system_fingerprint: "fp_ollama",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello", refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    });
  });

  test("thinking → reasoning; omitted when empty", () => {
    const withThinking = toChatCompletion(finalWith({ content: "4", thinking: "2+2" }), OPTS);
    expect(withThinking.choices[0]?.message).toEqual({
      role: "assistant",
      content: "4",
      refusal: null,
      reasoning: "2+2",
    });
    expect(
      toChatCompletion(finalWith({ content: "4", thinking: "" }), OPTS).choices[0]?.message,
    ).not.toHaveProperty("reasoning");
  });

  test("tool calls: JSON-string arguments, ids kept or generated, content null, finish tool_calls", () => {
    const res = toChatCompletion(
      finalWith({
        tool_calls: [
          { id: "call_abc12345", function: { index: 0, name: "get_weather", arguments: { city: "Paris" } } },
          { function: { index: 1, name: "now", arguments: {} } },
        ],
      }),
      OPTS,
    );
    const choice = res.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.[0]).toEqual({
      id: "call_abc12345",
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Paris"}' },
    });
    const second = choice?.message.tool_calls?.[1];
    expect(second?.id).toMatch(/^call_[a-z0-9]{8}$/);
    expect(second?.type === "function" && second.function.arguments).toBe("{}");
  });

  test("text beside tool calls is kept", () => {
    const res = toChatCompletion(
      finalWith({ content: "Let me check.", tool_calls: [{ function: { name: "f", arguments: {} } }] }),
      OPTS,
    );
    expect(res.choices[0]?.message.content).toBe("Let me check.");
  });

  test("finish_reason: length, and null when Ollama gave no reason", () => {
    expect(toChatCompletion(finalWith({ content: "a" }, "length"), OPTS).choices[0]?.finish_reason).toBe(
      "length",
    );
    const noReason = { ...finalWith({ content: "a" }), done_reason: undefined };
    expect(toChatCompletion(noReason, OPTS).choices[0]?.finish_reason).toBeNull();
  });

  test("usage is zero, not missing, without metrics", () => {
    expect(toChatCompletion({ message: { role: "assistant", content: "" }, done: true }, OPTS).usage).toEqual(
      {
        prompt_tokens: 0,
        completion_tokens: 0,
        total_tokens: 0,
      },
    );
  });

  test("logprobs are mapped when present", () => {
    const res = toChatCompletion(
      { ...finalWith({ content: "é" }), logprobs: [{ token: "é", logprob: -0.5 }] },
      OPTS,
    );
    expect(res.choices[0]?.logprobs).toEqual({
      content: [{ token: "é", logprob: -0.5, bytes: [195, 169], top_logprobs: [] }],
      refusal: null,
    });
  });
});
