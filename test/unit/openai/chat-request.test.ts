// translateChatRequest: envelope, options, response_format, tools, reasoning, Ollama extras, refusals.
import { describe, expect, test } from "bun:test";
import { translateChatRequest } from "../../../src/features/openai/translate/chat-request.ts";
import { expectRequestError } from "./helpers.ts";

const USER = [{ role: "user", content: "hi" }];
const chat = (extra: Record<string, unknown> = {}) =>
  translateChatRequest({ model: "qwen3", messages: USER, ...extra });

describe("translateChatRequest: envelope", () => {
  test("minimal request: native body always streams, client wish reported separately", () => {
    const t = chat();
    expect(t.body).toEqual({ model: "qwen3", messages: [{ role: "user", content: "hi" }], stream: true });
    expect(t.stream).toBe(false);
    expect(t.includeUsage).toBe(false);
    expect(t.requestedModel).toBe("qwen3");
  });

  test("stream and include_usage", () => {
    const t = chat({ stream: true, stream_options: { include_usage: true } });
    expect([t.stream, t.includeUsage, t.body.stream]).toEqual([true, true, true]);
    expect(t.body).not.toHaveProperty("stream_options");
  });

  test("include_usage without stream means nothing", () => {
    expect(chat({ stream: false, stream_options: { include_usage: true } }).includeUsage).toBe(false);
  });

  test("the model string is echoed verbatim, names with / and : included", () => {
    const t = translateChatRequest({ model: "hf.co/acme/tiny-GGUF:Q4_K_M", messages: USER });
    expect(t.requestedModel).toBe("hf.co/acme/tiny-GGUF:Q4_K_M");
    expect(t.body.model).toBe("hf.co/acme/tiny-GGUF:Q4_K_M");
  });

  test("temperature and top_p are NOT forced to 1.0 when omitted (Modelfile defaults survive)", () => {
    expect(chat().body.options).toBeUndefined();
  });

  test("pure metadata is accepted and not forwarded", () => {
    const t = chat({
      user: "u1",
      metadata: { a: "b" },
      store: true,
      service_tier: "auto",
      parallel_tool_calls: false,
      n: 1,
      logit_bias: {},
      modalities: ["text"],
      audio: null,
    });
    expect(Object.keys(t.body).sort()).toEqual(["messages", "model", "stream"]);
  });

  test("null optional fields count as absent", () => {
    const t = chat({ temperature: null, stop: null, tools: null, tool_choice: null, response_format: null });
    expect(t.body).toEqual({ model: "qwen3", messages: [{ role: "user", content: "hi" }], stream: true });
  });
});

describe("translateChatRequest: request errors", () => {
  test("body must be an object", () => {
    expectRequestError(() => translateChatRequest([]), { message: "the request body must be a JSON object" });
    expectRequestError(() => translateChatRequest(null), {
      message: "the request body must be a JSON object",
    });
  });

  test("model is required and must be a non-empty string", () => {
    expectRequestError(() => translateChatRequest({ messages: USER }), {
      message: "Missing required parameter: 'model'.",
      param: "model",
    });
    expectRequestError(() => translateChatRequest({ model: 3, messages: USER }), {
      message: /^invalid value for 'model': expected string/,
      param: "model",
    });
    expectRequestError(() => translateChatRequest({ model: " ", messages: USER }), {
      message: "you must provide a model parameter",
      param: "model",
    });
  });

  test("messages: missing, [] and wrong type", () => {
    expectRequestError(() => translateChatRequest({ model: "m" }), {
      message: "Missing required parameter: 'messages'.",
      param: "messages",
    });
    expectRequestError(() => translateChatRequest({ model: "m", messages: [] }), {
      message: "[] is too short - 'messages'",
      param: "messages",
    });
    expectRequestError(() => translateChatRequest({ model: "m", messages: "hi" }), {
      param: "messages",
      message: /expected array/,
    });
    expectRequestError(() => translateChatRequest({ model: "m", messages: [{ content: "x" }] }), {
      message: "Missing required parameter: 'messages[0].role'.",
      param: "messages[0].role",
    });
  });

  test("a wrongly typed scalar names its field", () => {
    expectRequestError(() => chat({ temperature: "hot" }), {
      message: /^invalid value for 'temperature': expected number/,
      param: "temperature",
    });
    expectRequestError(() => chat({ max_tokens: 1.5 }), { param: "max_tokens", message: /max_tokens/ });
    expectRequestError(() => chat({ stream: "yes" }), { param: "stream", message: /stream/ });
  });

  test("n other than 1", () => {
    expectRequestError(() => chat({ n: 2 }), { message: "n other than 1 is not supported", param: "n" });
  });

  test("non-empty logit_bias", () => {
    expectRequestError(() => chat({ logit_bias: { "50256": -100 } }), {
      message: "logit_bias is not supported",
      param: "logit_bias",
    });
  });

  test("audio output", () => {
    expectRequestError(() => chat({ audio: { voice: "alloy", format: "wav" } }), {
      message: "audio output is not supported",
      param: "audio",
    });
    expectRequestError(() => chat({ modalities: ["text", "audio"] }), {
      message: "audio output is not supported",
      param: "modalities",
    });
  });

  test("top_logprobs out of Ollama's range", () => {
    expectRequestError(() => chat({ logprobs: true, top_logprobs: 21 }), {
      message: "top_logprobs must be between 0 and 20",
      param: "top_logprobs",
    });
  });
});

describe("translateChatRequest: options", () => {
  test("sampling fields map onto native options", () => {
    const t = chat({
      temperature: 0.2,
      top_p: 0.9,
      seed: 42,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
    });
    expect(t.body.options).toEqual({
      temperature: 0.2,
      top_p: 0.9,
      seed: 42,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
    });
  });

  test("zero values are kept, not mistaken for absent", () => {
    expect(chat({ temperature: 0, top_p: 0, seed: 0 }).body.options).toEqual({
      temperature: 0,
      top_p: 0,
      seed: 0,
    });
  });

  test("max_tokens and max_completion_tokens → num_predict; the newer field wins", () => {
    expect(chat({ max_tokens: 10 }).body.options).toEqual({ num_predict: 10 });
    expect(chat({ max_completion_tokens: 20 }).body.options).toEqual({ num_predict: 20 });
    expect(chat({ max_tokens: 10, max_completion_tokens: 20 }).body.options).toEqual({ num_predict: 20 });
  });

  test("stop as string or list", () => {
    expect(chat({ stop: "END" }).body.options).toEqual({ stop: ["END"] });
    expect(chat({ stop: ["a", "b"] }).body.options).toEqual({ stop: ["a", "b"] });
  });

  test("stop with a non-string element is refused, not silently dropped", () => {
    expectRequestError(() => chat({ stop: ["a", 1] }), {
      message: "invalid type for 'stop' field",
      param: "stop",
    });
    expectRequestError(() => chat({ stop: 5 }), { message: "invalid type for 'stop' field", param: "stop" });
  });

  test("logprobs and top_logprobs are passed", () => {
    const t = chat({ logprobs: true, top_logprobs: 3 });
    expect([t.body.logprobs, t.body.top_logprobs]).toEqual([true, 3]);
  });
});

describe("translateChatRequest: response_format", () => {
  test("json_object → format json", () => {
    expect(chat({ response_format: { type: "json_object" } }).body.format).toBe("json");
  });

  test("json_schema → the schema itself", () => {
    const schema = { type: "object", properties: { a: { type: "integer" } }, required: ["a"] };
    const t = chat({
      response_format: { type: "json_schema", json_schema: { name: "x", strict: true, schema } },
    });
    expect(t.body.format).toEqual(schema);
  });

  test("json_schema without a schema falls back to JSON mode", () => {
    expect(chat({ response_format: { type: "json_schema", json_schema: { name: "x" } } }).body.format).toBe(
      "json",
    );
  });

  test("text → no format", () => {
    expect(chat({ response_format: { type: "text" } }).body).not.toHaveProperty("format");
  });

  test("unknown type is refused", () => {
    expectRequestError(() => chat({ response_format: { type: "xml" } }), {
      message: "invalid response_format type 'xml': expected text, json_object or json_schema",
      param: "response_format.type",
    });
  });
});

describe("translateChatRequest: tools", () => {
  const weather = {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      strict: true,
    },
  };

  test("tools pass as native tools; auto and absent tool_choice keep them", () => {
    expect(chat({ tools: [weather] }).body.tools).toEqual([weather]);
    expect(chat({ tools: [weather], tool_choice: "auto" }).body.tools).toEqual([weather]);
  });

  test("tool_choice none drops the tools", () => {
    expect(chat({ tools: [weather], tool_choice: "none" }).body).not.toHaveProperty("tools");
  });

  test("an empty tools list sends none", () => {
    expect(chat({ tools: [] }).body).not.toHaveProperty("tools");
  });

  test("tool_choice required or naming a function is refused", () => {
    expectRequestError(() => chat({ tools: [weather], tool_choice: "required" }), {
      message: /^tool_choice 'required' is not supported/,
      param: "tool_choice",
    });
    expectRequestError(
      () => chat({ tools: [weather], tool_choice: { type: "function", function: { name: "get_weather" } } }),
      { message: /^tool_choice naming a specific tool is not supported/, param: "tool_choice" },
    );
    expectRequestError(() => chat({ tool_choice: "sometimes" }), {
      param: "tool_choice",
      message: /invalid tool_choice/,
    });
  });

  test("non-function tools are refused", () => {
    expectRequestError(() => chat({ tools: [weather, { type: "custom", custom: { name: "x" } }] }), {
      message: "unsupported tool type 'custom': only function tools are supported",
      param: "tools[1].type",
    });
  });
});

describe("translateChatRequest: reasoning → think", () => {
  test.each([
    ["none", false],
    ["minimal", "low"],
    ["low", "low"],
    ["medium", "medium"],
    ["high", "high"],
    ["max", "max"],
    ["xhigh", "max"],
    ["ultra", "max"],
  ])("reasoning_effort %s → think %p", (effort, think) => {
    expect(chat({ reasoning_effort: effort }).body.think).toBe(think as never);
    expect(chat({ reasoning: { effort } }).body.think).toBe(think as never);
  });

  test("reasoning.effort wins over reasoning_effort", () => {
    expect(chat({ reasoning_effort: "low", reasoning: { effort: "high" } }).body.think).toBe("high");
  });

  test("invalid effort names its field", () => {
    expectRequestError(() => chat({ reasoning_effort: "huge" }), {
      message: /^invalid reasoning value: 'huge'/,
      param: "reasoning_effort",
    });
    expectRequestError(() => chat({ reasoning: { effort: "huge" } }), {
      message: /^invalid reasoning value: 'huge'/,
      param: "reasoning.effort",
    });
  });

  test("no effort → no think (the server decides)", () => {
    expect(chat().body).not.toHaveProperty("think");
  });
});

describe("translateChatRequest: Ollama-only extra fields", () => {
  test("keep_alive, think, format, truncate, shift, _debug_render_only pass through", () => {
    const t = chat({
      keep_alive: "10m",
      think: "high",
      format: "json",
      truncate: false,
      shift: false,
      _debug_render_only: true,
    });
    expect(t.body).toMatchObject({
      keep_alive: "10m",
      think: "high",
      format: "json",
      truncate: false,
      shift: false,
      _debug_render_only: true,
    });
    expect(chat({ keep_alive: 0 }).body.keep_alive).toBe(0);
    expect(chat({ keep_alive: -1 }).body.keep_alive).toBe(-1);
    expect(chat({ think: false }).body.think).toBe(false);
  });

  test("num_ctx and options merge into native options; explicit OpenAI fields win", () => {
    const t = chat({
      options: { num_ctx: 2048, temperature: 0.9, top_k: 20 },
      num_ctx: 8192,
      temperature: 0.1,
    });
    expect(t.body.options).toEqual({ num_ctx: 8192, temperature: 0.1, top_k: 20 });
  });

  test("OpenAI fields win over the matching Ollama extras", () => {
    const t = chat({
      format: "json",
      response_format: { type: "json_schema", json_schema: { schema: { type: "object" } } },
      think: true,
      reasoning_effort: "none",
    });
    expect(t.body.format).toEqual({ type: "object" });
    expect(t.body.think).toBe(false);
  });

  test("invalid extras are refused with the field named", () => {
    expectRequestError(() => chat({ think: "sometimes" }), {
      message: 'invalid think value: "sometimes" (must be "high", "medium", "low", "max", true, or false)',
      param: "think",
    });
    expectRequestError(() => chat({ keep_alive: true }), { param: "keep_alive", message: /keep_alive/ });
    expectRequestError(() => chat({ num_ctx: 0 }), { param: "num_ctx", message: /num_ctx/ });
    expectRequestError(() => chat({ options: [1] }), { param: "options", message: /options/ });
  });
});
