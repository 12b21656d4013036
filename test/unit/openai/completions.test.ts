// Legacy /v1/completions: request translation, SSE renderer and non-streamed object.
import { describe, expect, test } from "bun:test";
import { translateCompletionRequest } from "../../../src/features/openai/translate/completions-request.ts";
import { toCompletion } from "../../../src/features/openai/translate/completions-response.ts";
import { createCompletionStreamRenderer } from "../../../src/features/openai/translate/completions-stream.ts";
import { expectRequestError, sseEvents } from "./helpers.ts";
import { GENERATE_PLAIN, generateDone } from "./native-fixtures.ts";

const complete = (extra: Record<string, unknown> = {}) =>
  translateCompletionRequest({ model: "codellama", prompt: "def add", ...extra });

describe("translateCompletionRequest", () => {
  test("minimal: prompt, streaming native body, no forced defaults", () => {
    const t = complete();
    expect(t.body).toEqual({ model: "codellama", prompt: "def add", stream: true });
    expect([t.stream, t.includeUsage, t.requestedModel]).toEqual([false, false, "codellama"]);
  });

  test("stream and include_usage", () => {
    const t = complete({ stream: true, stream_options: { include_usage: true } });
    expect([t.stream, t.includeUsage]).toEqual([true, true]);
  });

  test("a one-element prompt list is unwrapped", () => {
    expect(complete({ prompt: ["only"] }).body.prompt).toBe("only");
  });

  test("prompt errors", () => {
    expectRequestError(() => translateCompletionRequest({ model: "m" }), {
      message: "Missing required parameter: 'prompt'.",
      param: "prompt",
    });
    expectRequestError(() => complete({ prompt: ["a", "b"] }), {
      message: "only one prompt per request is supported",
      param: "prompt",
    });
    expectRequestError(() => complete({ prompt: [1, 2, 3] }), {
      message: "token-array prompts are not supported; send the prompt as a string",
      param: "prompt",
    });
    expectRequestError(() => complete({ prompt: [[1, 2]] }), { param: "prompt", message: /token-array/ });
    expectRequestError(() => complete({ prompt: [] }), { param: "prompt", message: /expected a string/ });
    expectRequestError(() => complete({ prompt: 5 }), { param: "prompt", message: /expected a string/ });
  });

  test("sampling fields, suffix and max_tokens map across", () => {
    const t = complete({
      suffix: "\n    return a + b",
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.95,
      seed: 7,
      stop: ["\n\n"],
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
    expect(t.body.suffix).toBe("\n    return a + b");
    expect(t.body.options).toEqual({
      num_predict: 64,
      temperature: 0.2,
      top_p: 0.95,
      seed: 7,
      stop: ["\n\n"],
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
  });

  test("stop with a non-string element", () => {
    expectRequestError(() => complete({ stop: ["a", null] }), {
      message: "invalid type for 'stop' field",
      param: "stop",
    });
  });

  test("logprobs: N → logprobs + top_logprobs N; true → logprobs only; range checked", () => {
    expect(complete({ logprobs: 3 }).body).toMatchObject({ logprobs: true, top_logprobs: 3 });
    expect(complete({ logprobs: 0 }).body).toMatchObject({ logprobs: true, top_logprobs: 0 });
    const onlyTrue = complete({ logprobs: true }).body;
    expect(onlyTrue.logprobs).toBe(true);
    expect(onlyTrue).not.toHaveProperty("top_logprobs");
    expect(complete({ logprobs: false }).body).not.toHaveProperty("logprobs");
    expectRequestError(() => complete({ logprobs: 21 }), {
      message: "logprobs must be between 0 and 20",
      param: "logprobs",
    });
  });

  test("unsupported: echo, best_of > 1, n > 1, logit_bias", () => {
    expectRequestError(() => complete({ echo: true }), { message: "echo is not supported", param: "echo" });
    expectRequestError(() => complete({ best_of: 2 }), {
      message: "best_of other than 1 is not supported",
      param: "best_of",
    });
    expectRequestError(() => complete({ n: 2 }), { message: "n other than 1 is not supported", param: "n" });
    expectRequestError(() => complete({ logit_bias: { "1": 5 } }), {
      message: "logit_bias is not supported",
      param: "logit_bias",
    });
    expect(complete({ echo: false, best_of: 1, n: 1 }).body).toEqual({
      model: "codellama",
      prompt: "def add",
      stream: true,
    });
  });

  test("Ollama extras, generate-only knobs included", () => {
    const t = complete({
      keep_alive: "1h",
      num_ctx: 4096,
      options: { top_k: 10 },
      think: false,
      format: "json",
      truncate: false,
      shift: true,
      raw: true,
      system: "You complete code.",
      template: "{{ .Prompt }}",
      temperature: 0.3,
    });
    expect(t.body).toEqual({
      model: "codellama",
      prompt: "def add",
      stream: true,
      keep_alive: "1h",
      think: false,
      format: "json",
      truncate: false,
      shift: true,
      raw: true,
      system: "You complete code.",
      template: "{{ .Prompt }}",
      options: { top_k: 10, num_ctx: 4096, temperature: 0.3 },
    });
  });

  test("model errors", () => {
    expectRequestError(() => translateCompletionRequest({ prompt: "x" }), {
      param: "model",
      message: /Missing/,
    });
    expectRequestError(() => translateCompletionRequest({ model: "", prompt: "x" }), {
      message: "you must provide a model parameter",
      param: "model",
    });
  });
});

const OPTS = { id: "cmpl-test", created: 1_700_000_000, model: "codellama", includeUsage: false };
const HEAD = {
  id: "cmpl-test",
  object: "text_completion",
  created: 1_700_000_000,
  model: "codellama",
  system_fingerprint: "fp_ollama",
};
const ev = (text: string, finish_reason: string | null = null, logprobs: unknown = null) => ({
  ...HEAD,
  choices: [{ text, index: 0, finish_reason, logprobs }],
});

describe("completion stream renderer", () => {
  test("chunk by chunk: text events, thinking-only chunks skipped, finish, [DONE]", () => {
    const r = createCompletionStreamRenderer(OPTS);
    expect(GENERATE_PLAIN.map((c) => sseEvents(r.chunk(c)))).toEqual([
      [ev("def ")],
      [ev("add(a, b):")],
      [],
      [ev("", "stop"), "[DONE]"],
    ]);
    expect(r.state).toBe("done");
  });

  test("text on the done chunk shares the finish event; length maps to length", () => {
    const r = createCompletionStreamRenderer(OPTS);
    expect(sseEvents(r.chunk(generateDone("length", "tail")))).toEqual([ev("tail", "length"), "[DONE]"]);
  });

  test("usage on: one usage event with choices [] before [DONE], no zero usage on every chunk", () => {
    const r = createCompletionStreamRenderer({ ...OPTS, includeUsage: true });
    const events = GENERATE_PLAIN.map((c) => sseEvents(r.chunk(c)));
    expect(events.at(-1)).toEqual([
      ev("", "stop"),
      { ...HEAD, choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } },
      "[DONE]",
    ]);
    for (const group of events.slice(0, -1)) for (const e of group) expect(e).not.toHaveProperty("usage");
  });

  test("legacy logprobs with running text offsets", () => {
    const r = createCompletionStreamRenderer(OPTS);
    const lp = (token: string, logprob: number) => ({
      token,
      logprob,
      top_logprobs: [
        { token, logprob },
        { token: "x", logprob: -9 },
      ],
    });
    const first = sseEvents(
      r.chunk({ response: "ab", done: false, logprobs: [lp("a", -0.1), lp("b", -0.2)] }),
    );
    const second = sseEvents(r.chunk({ response: "c", done: false, logprobs: [lp("c", -0.3)] }));
    expect(first).toEqual([
      ev("ab", null, {
        tokens: ["a", "b"],
        token_logprobs: [-0.1, -0.2],
        top_logprobs: [
          { a: -0.1, x: -9 },
          { b: -0.2, x: -9 },
        ],
        text_offset: [0, 1],
      }),
    ]);
    expect(second).toEqual([
      ev("c", null, {
        tokens: ["c"],
        token_logprobs: [-0.3],
        top_logprobs: [{ c: -0.3, x: -9 }],
        text_offset: [2],
      }),
    ]);
  });

  test("errors: in-band error line, explicit error, truncation; never [DONE] afterwards", () => {
    const errorEvent = (message: string) => ({
      error: { message, type: "api_error", param: null, code: null },
    });
    const a = createCompletionStreamRenderer(OPTS);
    a.chunk({ response: "x", done: false });
    expect(sseEvents(a.chunk({ error: "boom" }))).toEqual([errorEvent("boom")]);
    expect(a.chunk(generateDone())).toBe("");

    const b = createCompletionStreamRenderer(OPTS);
    expect(sseEvents(b.error("kaput"))).toEqual([errorEvent("kaput")]);
    expect(b.end()).toBe("");

    const c = createCompletionStreamRenderer(OPTS);
    c.chunk({ response: "x", done: false });
    expect(sseEvents(c.end())).toEqual([
      errorEvent("upstream stream ended before the response was complete"),
    ]);
    expect(c.state).toBe("failed");

    const d = createCompletionStreamRenderer(OPTS);
    const text = GENERATE_PLAIN.map((chunk) => d.chunk(chunk)).join("");
    expect(text.split("data: [DONE]\n\n")).toHaveLength(2);
    expect(d.error("late")).toBe("");
  });
});

describe("toCompletion", () => {
  test("full object with usage and fingerprint", () => {
    expect(
      toCompletion(generateDone("stop", "def add(a, b):"), { id: "cmpl-1", created: 5, model: "codellama" }),
    ).toEqual({
      id: "cmpl-1",
      object: "text_completion",
      created: 5,
      model: "codellama",
      system_fingerprint: "fp_ollama",
      choices: [{ text: "def add(a, b):", index: 0, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    });
  });

  test("length and missing reason", () => {
    expect(
      toCompletion(generateDone("length"), { id: "c", created: 0, model: "m" }).choices[0]?.finish_reason,
    ).toBe("length");
    expect(
      toCompletion({ response: "x", done: true }, { id: "c", created: 0, model: "m" }).choices[0]
        ?.finish_reason,
    ).toBeNull();
  });
});
