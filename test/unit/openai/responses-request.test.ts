// POST /v1/responses bodies → native /api/chat bodies: every field the proxy honours, tolerates or refuses.
import { describe, expect, test } from "bun:test";
import { translateResponsesRequest } from "../../../src/features/openai/translate/responses-request.ts";
import { expectRequestError } from "./helpers.ts";

const PNG = "iVBORw0KGgo=";
const t = (body: Record<string, unknown>) => translateResponsesRequest({ model: "qwen3", ...body });
const messagesOf = (body: Record<string, unknown>) => t(body).body.messages ?? [];

describe("input and instructions", () => {
  test("a string input is one user turn; instructions come first as the system prompt", () => {
    expect(messagesOf({ input: "hi", instructions: "Be brief." })).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ]);
  });

  test("message items: developer is system, parts joined, images as bare base64, type optional", () => {
    const messages = messagesOf({
      input: [
        { type: "message", role: "developer", content: "Rules." },
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is" },
            { type: "input_text", text: "this?" },
            { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" },
          ],
        },
      ],
    });
    expect(messages).toEqual([
      { role: "system", content: "Rules." },
      { role: "user", content: "What is\nthis?", images: [PNG] },
    ]);
  });

  test("multi-turn history with a replayed answer, its reasoning, a call and its output", () => {
    const messages = messagesOf({
      input: [
        { role: "user", content: "weather in Paris?" },
        {
          type: "reasoning",
          id: "rs_1",
          summary: [{ type: "summary_text", text: "s" }],
          encrypted_content: "think",
        },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call_output", call_id: "call_1", output: "sunny" },
        {
          type: "message",
          role: "assistant",
          id: "msg_1",
          status: "completed",
          content: [{ type: "output_text", text: "It is sunny.", annotations: [] }],
        },
        { role: "user", content: "thanks" },
      ],
    });
    expect(messages).toEqual([
      { role: "user", content: "weather in Paris?" },
      {
        role: "assistant",
        content: "",
        thinking: "think",
        tool_calls: [{ id: "call_1", function: { name: "get_weather", arguments: { city: "Paris" } } }],
      },
      { role: "tool", content: "sunny", tool_call_id: "call_1", tool_name: "get_weather" },
      { role: "assistant", content: "It is sunny." },
      { role: "user", content: "thanks" },
    ]);
  });

  test("an assistant message replayed between a call and its output joins the call's turn", () => {
    const messages = messagesOf({
      input: [
        { role: "user", content: "go" },
        { type: "function_call", call_id: "c1", name: "run", arguments: "" },
        { role: "assistant", content: "Running it." },
        { type: "function_call_output", call_id: "c1", output: [{ type: "input_text", text: "ok" }] },
      ],
    });
    expect(messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "Running it.",
        tool_calls: [{ id: "c1", function: { name: "run", arguments: {} } }],
      },
      { role: "tool", content: "ok", tool_call_id: "c1", tool_name: "run" },
    ]);
  });

  test("a namespaced call goes upstream under its flattened name", () => {
    const [, call] = messagesOf({
      input: [
        { role: "user", content: "x" },
        { type: "function_call", call_id: "c", namespace: "docs", name: "search", arguments: "{}" },
      ],
    });
    expect(call?.tool_calls?.[0]?.function.name).toBe("docs.search");
  });

  test("what cannot be read is a 400 naming the item", () => {
    const cases: Array<[unknown, string | RegExp, string]> = [
      [undefined, "Missing required parameter: 'input'.", "input"],
      [[], "input must not be an empty list", "input"],
      [42, /must be a string or an array/, "input"],
      [[{ content: "x" }], "input[0]: input item missing required 'type' field", "input[0].type"],
      [[{ type: "item_reference", id: "msg_1" }], /stores none/, "input[0].type"],
      [
        [{ type: "web_search_call", id: "ws" }],
        /unsupported input item type 'web_search_call'/,
        "input[0].type",
      ],
      [[{ role: "tool", content: "x" }], /invalid role 'tool'/, "input[0].role"],
      [[{ role: "user" }], "Missing required parameter: 'input[0].content'.", "input[0].content"],
      [
        [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }],
        /file inputs/,
        "input[0].content[0].type",
      ],
      [
        [{ role: "user", content: [{ type: "input_image", file_id: "file_1" }] }],
        /file_id needs the Files API/,
        "input[0].content[0].image_url",
      ],
      [
        [{ role: "user", content: [{ type: "input_image", image_url: "https://x/y.png" }] }],
        /image URLs are not currently supported/,
        "input[0].content[0].image_url",
      ],
      [
        [{ role: "user", content: [{ type: "audio" }] }],
        /unsupported content type "audio"/,
        "input[0].content[0].type",
      ],
      [
        [{ type: "function_call", call_id: "c", name: "f", arguments: "{oops" }],
        /failed to parse function call arguments/,
        "input[0].arguments",
      ],
      [
        [{ type: "function_call", name: "f" }],
        "Missing required parameter: 'input[0].call_id'.",
        "input[0].call_id",
      ],
      [
        [{ type: "function_call_output", call_id: "c", output: { ok: true } }],
        "input[0].output must be a string or an array of content parts",
        "input[0].output",
      ],
    ];
    for (const [input, message, param] of cases) expectRequestError(() => t({ input }), { message, param });
  });
});

describe("tools", () => {
  const fn = {
    type: "function",
    name: "lookup",
    description: "Find.",
    parameters: { type: "object" },
    strict: true,
  };

  test("function tools in native form; namespaces flattened, and remembered for the answer", () => {
    const out = t({
      input: "x",
      tools: [fn, { type: "namespace", name: "docs", tools: [{ type: "function", name: "search" }] }],
    });
    expect(out.body.tools).toEqual([
      {
        type: "function",
        function: { name: "lookup", description: "Find.", parameters: { type: "object" } },
      },
      { type: "function", function: { name: "docs.search" } },
    ]);
    expect(out.namespaced.get("docs.search")).toEqual({ namespace: "docs", name: "search" });
    expect(out.echo.tools).toHaveLength(2);
  });

  test("tool_choice none sends no tools; forcing a call or a built-in tool is refused", () => {
    expect(t({ input: "x", tools: [fn], tool_choice: "none" }).body.tools).toBeUndefined();
    expect(t({ input: "x", tools: [fn], tool_choice: "auto" }).body.tools).toHaveLength(1);
    expectRequestError(() => t({ input: "x", tools: [fn], tool_choice: "required" }), {
      message: /tool_choice 'required' is not supported/,
      param: "tool_choice",
    });
    expectRequestError(
      () => t({ input: "x", tools: [fn], tool_choice: { type: "function", name: "lookup" } }),
      {
        message: /naming or restricting tools/,
        param: "tool_choice",
      },
    );
    expectRequestError(() => t({ input: "x", tools: [fn, { type: "web_search" }] }), {
      message: /unsupported tool type 'web_search'.*web_search = "disabled"/,
      param: "tools[1].type",
    });
    expectRequestError(() => t({ input: "x", tools: [{ type: "function" }] }), {
      message: "Missing required parameter: 'tools[0].name'.",
      param: "tools[0].name",
    });
  });
});

describe("options, reasoning, format", () => {
  test("max_output_tokens, temperature and top_p become options; absent ones are not forced to 1.0", () => {
    expect(t({ input: "x", max_output_tokens: 64, temperature: 0.2, top_p: 0.9 }).body.options).toEqual({
      num_predict: 64,
      temperature: 0.2,
      top_p: 0.9,
    });
    expect(t({ input: "x" }).body.options).toBeUndefined();
  });

  test("reasoning.effort becomes think, as Ollama maps it", () => {
    const think = (effort: string) => t({ input: "x", reasoning: { effort, summary: "auto" } }).body.think;
    expect([think("none"), think("minimal"), think("medium"), think("xhigh")]).toEqual([
      false,
      "low",
      "medium",
      "max",
    ]);
    expect(t({ input: "x" }).body.think).toBeUndefined();
    expectRequestError(() => think("extreme"), {
      message: /invalid reasoning value/,
      param: "reasoning.effort",
    });
  });

  test("text.format json_schema and json_object become native format; others are refused", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(
      t({ input: "x", text: { format: { type: "json_schema", name: "a", schema } } }).body.format,
    ).toEqual(schema);
    expect(t({ input: "x", text: { format: { type: "json_object" } } }).body.format).toBe("json");
    expect(
      t({ input: "x", text: { format: { type: "text" }, verbosity: "low" } }).body.format,
    ).toBeUndefined();
    expectRequestError(() => t({ input: "x", text: { format: { type: "grammar" } } }), {
      message: /invalid text.format type 'grammar'/,
      param: "text.format.type",
    });
  });

  test("logprobs asked for through include or top_logprobs", () => {
    const out = t({ input: "x", include: ["message.output_text.logprobs"], top_logprobs: 3 }).body;
    expect([out.logprobs, out.top_logprobs]).toEqual([true, 3]);
    expect(t({ input: "x", include: ["reasoning.encrypted_content"] }).body.logprobs).toBeUndefined();
    expectRequestError(() => t({ input: "x", top_logprobs: 21 }), {
      message: "top_logprobs must be between 0 and 20",
      param: "top_logprobs",
    });
  });

  test("Ollama knobs ride along; the OpenAI fields win over them", () => {
    const body = t({
      input: "x",
      keep_alive: "1h",
      options: { num_ctx: 8192, num_predict: 5 },
      max_output_tokens: 9,
    }).body;
    expect(body.keep_alive).toBe("1h");
    expect(body.options).toEqual({ num_ctx: 8192, num_predict: 9 });
  });
});

describe("stateful and unknown fields", () => {
  test("what needs stored state or a background run is a 400 naming the field", () => {
    for (const [field, value] of [
      ["previous_response_id", "resp_123"],
      ["conversation", "conv_1"],
      ["prompt", { id: "pmpt_1" }],
      ["background", true],
      ["max_tool_calls", 2],
    ] as const) {
      expectRequestError(() => t({ input: "x", [field]: value }), {
        message: new RegExp(`^${field} cannot be honoured`),
        param: field,
      });
    }
  });

  test("metadata, store, hints and unknown fields are tolerated and echoed where the API echoes them", () => {
    const out = t({
      input: "x",
      metadata: { run: "7" },
      store: true,
      parallel_tool_calls: false,
      truncation: "auto",
      prompt_cache_key: "k",
      service_tier: "auto",
      stream_options: { include_obfuscation: false },
      some_future_field: 1,
    });
    expect(out.echo).toMatchObject({
      metadata: { run: "7" },
      parallel_tool_calls: false,
      truncation: "auto",
    });
    expect(out.stream).toBe(false);
  });

  test("the model may be left out (the default model answers); a wrong type is a 400", () => {
    expect(translateResponsesRequest({ input: "x" }).requestedModel).toBe("");
    expectRequestError(() => translateResponsesRequest({ model: 3, input: "x" }), {
      message: /invalid value for 'model'/,
      param: "model",
    });
    expectRequestError(() => translateResponsesRequest([1]), { message: /must be a JSON object/ });
  });
});
