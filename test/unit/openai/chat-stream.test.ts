// The chat SSE renderer, chunk by chunk, on realistic native sequences, errors included.
import { describe, expect, test } from "bun:test";
import {
  createChatStreamRenderer,
  newChatCompletionId,
  newCompletionId,
} from "../../../src/features/openai/translate/chat-stream.ts";
import { sseEvents } from "./helpers.ts";
import { chatDone, LENGTH_CUT, PLAIN, say, THINKING, TOOL_CALLS } from "./native-fixtures.ts";

const OPTS = { id: "chatcmpl-test", created: 1_700_000_000, model: "qwen3", includeUsage: false };
const HEAD = {
  id: "chatcmpl-test",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "qwen3",
  system_fingerprint: "fp_ollama",
};
const ev = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
  ...HEAD,
  choices: [{ index: 0, delta, finish_reason }],
});

type Renderer = ReturnType<typeof createChatStreamRenderer>;
const renderEach = (r: Renderer, chunks: Parameters<Renderer["chunk"]>[0][]) =>
  chunks.map((c) => sseEvents(r.chunk(c)));

describe("chat stream renderer", () => {
  test("plain text, chunk by chunk: role first, finish with empty delta, then [DONE]", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(renderEach(r, PLAIN)).toEqual([
      [ev({ role: "assistant", content: "Hel" })],
      [ev({ content: "lo" })],
      [ev({ content: " world" })],
      [ev({}, "stop"), "[DONE]"],
    ]);
    expect(r.state).toBe("done");
  });

  test("the client's model name and the pinned created time are used, not the native ones", () => {
    const r = createChatStreamRenderer({ ...OPTS, model: "my-alias" });
    const [event] = sseEvents(r.chunk(say("x"))) as Array<{ model: string; created: number }>;
    expect(event?.model).toBe("my-alias");
    expect(event?.created).toBe(1_700_000_000);
  });

  test("an empty first chunk still announces the role; later empty chunks produce nothing", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(sseEvents(r.chunk(say("")))).toEqual([ev({ role: "assistant", content: "" })]);
    expect(r.chunk(say(""))).toBe("");
    expect(sseEvents(r.chunk(say("a")))).toEqual([ev({ content: "a" })]);
  });

  test("thinking then content: reasoning deltas first, in their own events", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(renderEach(r, THINKING)).toEqual([
      [ev({ role: "assistant", content: "", reasoning: "Let me" })],
      [ev({ content: "", reasoning: " think." })],
      [ev({ content: "", reasoning: "Done." })],
      [ev({ content: "The answer" })],
      [ev({ content: " is 4." })],
      [ev({}, "stop"), "[DONE]"],
    ]);
  });

  test("a chunk with both thinking and content is split, reasoning first", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(sseEvents(r.chunk(say("Hi", { thinking: "greet" })))).toEqual([
      ev({ role: "assistant", content: "", reasoning: "greet" }),
      ev({ content: "Hi" }),
    ]);
  });

  test("tool calls: complete deltas with running index, ids kept or generated, finish tool_calls", () => {
    const r = createChatStreamRenderer(OPTS);
    const [first, second, last] = renderEach(r, TOOL_CALLS);
    expect(first).toEqual([
      ev({
        role: "assistant",
        content: "",
        tool_calls: [
          {
            index: 0,
            id: "call_abc12345",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      }),
    ]);
    type ToolDelta = { tool_calls: Array<{ index: number; id: string; function: { arguments: string } }> };
    const events = (second ?? []) as Array<ReturnType<typeof ev>>;
    const generated = events[0]?.choices[0]?.delta as ToolDelta;
    expect(generated.tool_calls[0]?.index).toBe(1);
    expect(generated.tool_calls[0]?.id).toMatch(/^call_[a-z0-9]{8}$/);
    expect(JSON.parse(generated.tool_calls[0]?.function.arguments ?? "")).toEqual({
      tz: "Europe/Paris",
      exact: true,
    });
    expect(last).toEqual([ev({}, "tool_calls"), "[DONE]"]);
  });

  test("text beside a tool call stays in the same delta", () => {
    const r = createChatStreamRenderer(OPTS);
    const [event] = sseEvents(
      r.chunk(say("Checking.", { tool_calls: [{ id: "call_x", function: { name: "f", arguments: {} } }] })),
    ) as Array<ReturnType<typeof ev>>;
    expect(event?.choices[0]?.delta).toEqual({
      role: "assistant",
      content: "Checking.",
      tool_calls: [{ index: 0, id: "call_x", type: "function", function: { name: "f", arguments: "{}" } }],
    });
  });

  test("length cut → finish_reason length", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(renderEach(r, LENGTH_CUT).at(-1)).toEqual([ev({}, "length"), "[DONE]"]);
  });

  test("a done chunk without done_reason → finish_reason null", () => {
    const r = createChatStreamRenderer(OPTS);
    r.chunk(say("x"));
    expect(sseEvents(r.chunk({ ...chatDone(), done_reason: undefined }))).toEqual([ev({}, null), "[DONE]"]);
  });

  test("content on the done chunk itself comes before the finish event", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(
      sseEvents(r.chunk({ ...chatDone(), message: { role: "assistant", content: "all at once" } })),
    ).toEqual([ev({ role: "assistant", content: "all at once" }), ev({}, "stop"), "[DONE]"]);
  });

  test("an empty generation still sends the role before finishing", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(sseEvents(r.chunk(chatDone()))).toEqual([
      ev({ role: "assistant", content: "" }),
      ev({}, "stop"),
      "[DONE]",
    ]);
  });

  test("usage on: one extra event with choices [] and usage, after the finish, before [DONE]", () => {
    const r = createChatStreamRenderer({ ...OPTS, includeUsage: true });
    const events = renderEach(r, PLAIN);
    expect(events.at(-1)).toEqual([
      ev({}, "stop"),
      { ...HEAD, choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } },
      "[DONE]",
    ]);
    // No usage key anywhere else (not even zeros, as Ollama does on /v1/completions).
    for (const group of events.slice(0, -1)) for (const e of group) expect(e).not.toHaveProperty("usage");
  });

  test("usage off: no usage event", () => {
    const r = createChatStreamRenderer(OPTS);
    const all = renderEach(r, PLAIN).flat();
    expect(all.filter((e) => typeof e === "object" && e !== null && "usage" in e)).toEqual([]);
  });

  test("logprobs ride on the content event, in OpenAI's shape", () => {
    const r = createChatStreamRenderer(OPTS);
    const chunk = {
      ...say("Hi"),
      logprobs: [
        {
          token: "Hi",
          logprob: -0.1,
          top_logprobs: [
            { token: "Hi", logprob: -0.1 },
            { token: "Yo", logprob: -2.5, bytes: [89, 111] },
          ],
        },
      ],
    };
    const [event] = sseEvents(r.chunk(chunk)) as Array<{ choices: Array<{ logprobs: unknown }> }>;
    expect(event?.choices[0]?.logprobs).toEqual({
      content: [
        {
          token: "Hi",
          logprob: -0.1,
          bytes: [72, 105],
          top_logprobs: [
            { token: "Hi", logprob: -0.1, bytes: [72, 105] },
            { token: "Yo", logprob: -2.5, bytes: [89, 111] },
          ],
        },
      ],
      refusal: null,
    });
  });

  test("[DONE] exactly once, at the very end; nothing after it", () => {
    const r = createChatStreamRenderer({ ...OPTS, includeUsage: true });
    const text = PLAIN.map((c) => r.chunk(c)).join("");
    expect(text.split("data: [DONE]\n\n").length).toBe(2);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(r.chunk(say("late"))).toBe("");
    expect(r.chunk(chatDone())).toBe("");
    expect(r.error("late failure")).toBe("");
    expect(r.end()).toBe("");
  });
});

describe("chat stream renderer: errors", () => {
  const errorEvent = (message: string, type = "api_error") => ({
    error: { message, type, param: null, code: null },
  });

  test("error mid-stream: one error event, no finish, no [DONE], and silence afterwards", () => {
    const r = createChatStreamRenderer({ ...OPTS, includeUsage: true });
    r.chunk(say("partial"));
    expect(sseEvents(r.error("an error was encountered while running the model: unexpected EOF"))).toEqual([
      errorEvent("an error was encountered while running the model: unexpected EOF"),
    ]);
    expect(r.state).toBe("failed");
    expect(r.chunk(chatDone())).toBe("");
    expect(r.error("again")).toBe("");
    expect(r.end()).toBe("");
  });

  test("the status picks the error type", () => {
    const r = createChatStreamRenderer(OPTS);
    expect(sseEvents(r.error("model 'x' not found", 404))).toEqual([
      errorEvent("model 'x' not found", "not_found_error"),
    ]);
  });

  test("the native in-band error line is rendered as the error event", () => {
    const r = createChatStreamRenderer(OPTS);
    r.chunk(say("a"));
    expect(sseEvents(r.chunk({ error: "runner crashed" }))).toEqual([errorEvent("runner crashed")]);
    expect(r.state).toBe("failed");
  });

  test("end() before any done chunk reports a truncated stream instead of finishing it", () => {
    const r = createChatStreamRenderer(OPTS);
    r.chunk(say("a"));
    expect(sseEvents(r.end())).toEqual([
      errorEvent("upstream stream ended before the response was complete"),
    ]);
    expect(r.state).toBe("failed");
  });
});

describe("ids", () => {
  test("chatcmpl- and cmpl- prefixes, unique across many calls", () => {
    const chats = new Set(Array.from({ length: 1000 }, newChatCompletionId));
    expect(chats.size).toBe(1000);
    for (const id of chats) expect(id).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
    expect(newCompletionId()).toMatch(/^cmpl-[A-Za-z0-9]{24}$/);
  });
});
