// The /v1/messages request translation: native bodies in Ollama's shapes, and 400s naming the field.
import { describe, expect, test } from "bun:test";
import { AnthropicRequestError } from "../../../src/features/anthropic/errors.ts";
import { countTokens, translateMessagesRequest } from "../../../src/features/anthropic/translate/index.ts";

const base = { model: "qwen3", max_tokens: 100 };
const translate = (over: Record<string, unknown>) => translateMessagesRequest({ ...base, ...over });
const user = (content: unknown) => ({ role: "user", content });
const PNG = "iVBORw0KGgo=";

function refusal(over: Record<string, unknown>): string {
  try {
    translate(over);
  } catch (err) {
    expect(err).toBeInstanceOf(AnthropicRequestError);
    expect((err as AnthropicRequestError).status).toBe(400);
    return (err as Error).message;
  }
  throw new Error("expected a 400");
}

describe("translateMessagesRequest", () => {
  test("a plain request: max_tokens is num_predict, sampling options pass, stream is the client's wish", () => {
    const t = translate({
      messages: [user("hi")],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stream: true,
      metadata: { user_id: "u-1" },
      service_tier: "auto",
      some_future_field: { x: 1 },
    });
    expect(t.body).toEqual({
      model: "qwen3",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      options: { num_predict: 100, temperature: 0.2, top_p: 0.9, top_k: 40 },
    });
    expect(t.stream).toBe(true);
    expect(t.requestedModel).toBe("qwen3");
    expect(translate({ messages: [user("hi")] }).stream).toBe(false);
  });

  test("system prompt as a string or as text blocks (joined as they are; cache_control ignored)", () => {
    const blocks = [
      { type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } },
      { type: "text", text: " Answer in French." },
    ];
    expect(translate({ system: "Be kind.", messages: [user("hi")] }).body.messages?.[0]).toEqual({
      role: "system",
      content: "Be kind.",
    });
    expect(translate({ system: blocks, messages: [user("hi")] }).body.messages?.[0]).toEqual({
      role: "system",
      content: "You are terse. Answer in French.",
    });
    expect(translate({ system: "", messages: [user("hi")] }).body.messages).toHaveLength(1);
    expect(refusal({ system: [{ type: "image" }], messages: [user("hi")] })).toBe(
      "system.0: only text blocks are allowed in the system prompt",
    );
  });

  test("text and base64 image blocks make one message; URL images are refused by name", () => {
    const t = translate({
      messages: [
        user([
          { type: "text", text: "What is " },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "text", text: "this?" },
        ]),
      ],
    });
    expect(t.body.messages).toEqual([{ role: "user", content: "What is this?", images: [PNG] }]);
    expect(
      refusal({ messages: [user([{ type: "image", source: { type: "url", url: "https://x/y.png" } }])] }),
    ).toBe(
      'messages.0.content.0.source.type: "url" image sources are not supported: Ollama takes base64 image data only',
    );
    expect(refusal({ messages: [user([{ type: "image", source: { type: "base64", data: "%%%" } }])] })).toBe(
      "messages.0.content.0.source.data: invalid base64 image data",
    );
  });

  test("plain-text documents are read as text; PDFs are refused", () => {
    const doc = { type: "document", source: { type: "text", media_type: "text/plain", data: "The memo." } };
    expect(
      translate({ messages: [user([doc, { type: "text", text: " Summarise." }])] }).body.messages,
    ).toEqual([{ role: "user", content: "The memo. Summarise." }]);
    const pdf = { type: "document", source: { type: "base64", media_type: "application/pdf", data: PNG } };
    expect(refusal({ messages: [user([pdf])] })).toStartWith(
      'messages.0.content.0.source.type: "base64" documents',
    );
  });

  test("a tool round trip: tool_use becomes tool_calls, tool_result a tool message before the user text", () => {
    const t = translate({
      messages: [
        user("weather in Paris?"),
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Need the tool.", signature: "" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
          ],
        },
        user([
          { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "18°C" }] },
          { type: "text", text: "And tomorrow?" },
        ]),
      ],
    });
    expect(t.body.messages).toEqual([
      { role: "user", content: "weather in Paris?" },
      {
        role: "assistant",
        content: "Checking.",
        thinking: "Need the tool.",
        tool_calls: [{ id: "toolu_1", function: { name: "weather", arguments: { city: "Paris" } } }],
      },
      { role: "tool", content: "18°C", tool_call_id: "toolu_1", tool_name: "weather" },
      { role: "user", content: "And tomorrow?" },
    ]);
  });

  test("a failed tool result says so in words; a message left empty is omitted", () => {
    const t = translate({
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "ls", input: {} }] },
        user([{ type: "tool_result", tool_use_id: "t1", content: "no such dir", is_error: true }]),
      ],
    });
    expect(t.body.messages?.at(-1)).toEqual({
      role: "tool",
      content: "Error: no such dir",
      tool_call_id: "t1",
      tool_name: "ls",
    });
    expect(t.body.messages).toHaveLength(2);
  });

  test("tool definitions become function tools; tool_choice none sends none; forcing is refused", () => {
    const tools = [
      {
        name: "weather",
        description: "Weather now",
        input_schema: { type: "object", properties: { city: { type: "string" } } },
        cache_control: { type: "ephemeral" },
      },
    ];
    expect(translate({ messages: [user("x")], tools }).body.tools).toEqual([
      {
        type: "function",
        function: {
          name: "weather",
          description: "Weather now",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ]);
    expect(
      translate({ messages: [user("x")], tools, tool_choice: { type: "none" } }).body.tools,
    ).toBeUndefined();
    expect(
      translate({ messages: [user("x")], tools, tool_choice: { type: "auto" } }).body.tools,
    ).toHaveLength(1);
    expect(refusal({ messages: [user("x")], tools, tool_choice: { type: "any" } })).toStartWith(
      'tool_choice.type: "any" is not supported: Ollama cannot force a tool call',
    );
    expect(
      refusal({ messages: [user("x")], tools: [{ type: "web_search_20250305", name: "web_search" }] }),
    ).toStartWith('tools.0.type: "web_search_20250305" is one of Anthropic\'s built-in tools');
    expect(refusal({ messages: [user("x")], tools: [{ name: "t", input_schema: "nope" }] })).toBe(
      "tools.0.input_schema: must be a JSON schema object",
    );
  });

  test("thinking: enabled leaves the model's default, disabled is false, effort is a level (relaxed)", () => {
    const ask = (over: Record<string, unknown>) => translate({ messages: [user("x")], ...over });
    const enabled = ask({ thinking: { type: "enabled", budget_tokens: 2048 } });
    expect("think" in enabled.body).toBe(false);
    expect(enabled.relaxThinking).toBe(false);
    expect(ask({ thinking: { type: "disabled" } }).body.think).toBe(false);
    const effort = ask({ output_config: { effort: "xhigh" } });
    expect([effort.body.think, effort.relaxThinking]).toEqual(["high", true]);
    // An explicit switch wins over the effort level, as in Ollama.
    expect(ask({ thinking: { type: "disabled" }, output_config: { effort: "low" } }).body.think).toBe(false);
    expect(ask({ thinking: { type: "adaptive" }, output_config: { effort: "low" } }).body.think).toBe("low");
    expect(ask({ thinking: { type: "enabled", display: "omitted" } }).showThinking).toBe(false);
    expect(refusal({ messages: [user("x")], thinking: { type: "sometimes" } })).toStartWith("thinking.type:");
    expect(refusal({ messages: [user("x")], thinking: { type: "enabled", budget_tokens: -1 } })).toBe(
      "thinking.budget_tokens: must be a positive integer",
    );
  });

  test("stop sequences stay with the proxy; output_config.format becomes the native format", () => {
    const t = translate({
      messages: [user("x")],
      stop_sequences: ["END"],
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
    });
    expect(t.stopSequences).toEqual(["END"]);
    expect(t.body.options).toEqual({ num_predict: 100 });
    expect(t.body.format).toEqual({ type: "object" });
    expect(refusal({ messages: [user("x")], stop_sequences: [""] })).toBe(
      "stop_sequences.0: must not be empty",
    );
  });

  test("what Ollama cannot honour or the request lacks is a 400 naming the field", () => {
    expect(refusal({ max_tokens: undefined, messages: [user("x")] })).toBe("max_tokens: Field required");
    expect(refusal({ max_tokens: 0, messages: [user("x")] })).toBe("max_tokens: must be at least 1");
    expect(refusal({ max_tokens: "ten", messages: [user("x")] })).toStartWith("max_tokens: expected number");
    expect(refusal({ messages: [] })).toBe("messages: at least one message is required");
    expect(refusal({ messages: undefined })).toBe("messages: Field required");
    expect(refusal({ messages: [{ role: "robot", content: "x" }] })).toBe(
      'messages.0.role: expected "user" or "assistant", got "robot"',
    );
    expect(refusal({ messages: [user([{ type: "redacted_thinking", data: "abc" }])] })).toStartWith(
      'messages.0.content.0.type: "redacted_thinking" blocks are not supported',
    );
    expect(
      refusal({ messages: [user([{ type: "server_tool_use", id: "s", name: "web_search" }])] }),
    ).toContain("server tools run at Anthropic");
    expect(refusal({ messages: [user([{ type: "tool_use", id: "t", name: "x", input: {} }])] })).toBe(
      'messages.0.content.0.type: "tool_use" blocks are not supported here',
    );
    expect(
      refusal({ messages: [{ role: "assistant", content: [{ type: "tool_use", name: "x", input: {} }] }] }),
    ).toBe("messages.0.content.0.id: Field required");
    expect(refusal({ messages: [user("x")], mcp_servers: [{ type: "url", url: "https://m" }] })).toStartWith(
      "mcp_servers: the MCP connector runs at Anthropic",
    );
    expect(() => translateMessagesRequest([1, 2])).toThrow("the request body must be a JSON object");
  });

  test("no model: left to the pipeline (default model or its 400)", () => {
    const t = translateMessagesRequest({ max_tokens: 5, messages: [user("x")] });
    expect([t.body.model, t.requestedModel]).toEqual(["", ""]);
  });
});

describe("countTokens", () => {
  test("checks the request as /v1/messages does, without max_tokens, and estimates as Ollama does", () => {
    // "user" (4) + "hello there" (11) + system (8) = 23 bytes → 5 tokens.
    expect(countTokens({ model: "m", system: "Be brief", messages: [user("hello there")] })).toEqual({
      model: "m",
      inputTokens: 5,
    });
    expect(countTokens({ messages: [user("x")] }).inputTokens).toBe(1);
    expect(() => countTokens({ messages: [user([{ type: "image", source: { type: "url" } }])] })).toThrow(
      "messages.0.content.0.source.type",
    );
  });

  test("tools and tool blocks count; image data does not", () => {
    const withImage = countTokens({
      messages: [
        user([
          { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA".repeat(1200) } },
        ]),
      ],
    });
    expect(withImage.inputTokens).toBe(1);
    const tools = [{ name: "weather", description: "Weather now", input_schema: { type: "object" } }];
    const plain = countTokens({ messages: [user("hi")] }).inputTokens;
    expect(countTokens({ messages: [user("hi")], tools }).inputTokens).toBeGreaterThan(plain);
  });
});
