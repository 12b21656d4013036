// OpenAI chat messages → native messages: roles, content parts, images, tool calls and results.
import { describe, expect, test } from "bun:test";
import { translateChatRequest } from "../../../src/features/openai/translate/chat-request.ts";
import type { Message } from "../../../src/wire/ollama.ts";
import { expectRequestError } from "./helpers.ts";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const JPEG = "/9j/4AAQSkZJRgABAQ==";

// The body's type is ollama-js's ChatRequest; these tests read the wire fields it does not declare.
const messagesOf = (messages: unknown[]) =>
  (translateChatRequest({ model: "m", messages }).body.messages ?? []) as Message[];

describe("roles", () => {
  test("system, user, assistant pass; developer becomes system; case is folded", () => {
    expect(
      messagesOf([
        { role: "developer", content: "be brief" },
        { role: "System", content: "sys" },
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
      ]),
    ).toEqual([
      { role: "system", content: "be brief" },
      { role: "system", content: "sys" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
  });

  test("unknown roles are refused", () => {
    expectRequestError(() => messagesOf([{ role: "narrator", content: "x" }]), {
      message: "invalid role 'narrator': expected system, developer, user, assistant or tool",
      param: "messages[0].role",
    });
  });

  test("a user message's name is ignored", () => {
    expect(messagesOf([{ role: "user", name: "bob", content: "hi" }])).toEqual([
      { role: "user", content: "hi" },
    ]);
  });
});

describe("content", () => {
  test("text parts of one message are joined into one native message", () => {
    expect(
      messagesOf([
        {
          role: "user",
          content: [
            { type: "text", text: "first" },
            { type: "text", text: "second" },
          ],
        },
      ]),
    ).toEqual([{ role: "user", content: "first\nsecond" }]);
  });

  test("images are collected into the same message as raw base64", () => {
    expect(
      messagesOf([
        {
          role: "user",
          content: [
            { type: "text", text: "what is this?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" } },
            { type: "image_url", image_url: `data:image/jpeg;base64,${JPEG}` },
            { type: "image_url", image_url: { url: `data:;base64,${PNG}` } },
          ],
        },
      ]),
    ).toEqual([{ role: "user", content: "what is this?", images: [PNG, JPEG, PNG] }]);
  });

  test("jpg and webp data URLs are accepted, case-insensitively", () => {
    const urls = [
      `data:image/jpg;base64,${JPEG}`,
      `data:image/webp;base64,${JPEG}`,
      `DATA:IMAGE/PNG;BASE64,${PNG}`,
    ];
    const content = urls.map((url) => ({ type: "image_url", image_url: { url } }));
    expect(messagesOf([{ role: "user", content }])[0]?.images).toEqual([JPEG, JPEG, PNG]);
  });

  test("an image-only message has empty text", () => {
    expect(
      messagesOf([
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }],
        },
      ]),
    ).toEqual([{ role: "user", content: "", images: [PNG] }]);
  });

  test("input_audio data rides in images", () => {
    expect(
      messagesOf([
        {
          role: "user",
          content: [{ type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } }],
        },
      ]),
    ).toEqual([{ role: "user", content: "", images: ["UklGRg=="] }]);
  });

  test("assistant refusal parts count as text", () => {
    expect(messagesOf([{ role: "assistant", content: [{ type: "refusal", refusal: "no" }] }])).toEqual([
      { role: "assistant", content: "no" },
    ]);
  });

  test("http(s) image URLs are refused with Ollama's message", () => {
    for (const url of ["https://example.com/cat.png", "http://example.com/cat.png"]) {
      expectRequestError(
        () => messagesOf([{ role: "user", content: [{ type: "image_url", image_url: { url } }] }]),
        {
          message: "image URLs are not currently supported, please use base64 encoded data instead",
          param: "messages",
        },
      );
    }
  });

  test("other image inputs are invalid", () => {
    for (const url of [
      "data:image/gif;base64,R0lGOD==",
      "ftp://x/y.png",
      "data:image/png;base64,not base64!",
      "data:image/png;base64,",
    ]) {
      expectRequestError(
        () => messagesOf([{ role: "user", content: [{ type: "image_url", image_url: { url } }] }]),
        {
          message: "invalid image input",
          param: "messages",
        },
      );
    }
    expectRequestError(
      () => messagesOf([{ role: "user", content: [{ type: "image_url", image_url: { href: "x" } }] }]),
      {
        message: /image_url must be a string/,
        param: "messages[0].content[0]",
      },
    );
  });

  test("malformed parts name their position", () => {
    expectRequestError(() => messagesOf([{ role: "user", content: ["hi"] }]), {
      message: "messages[0].content[0] must be an object",
      param: "messages[0].content[0]",
    });
    expectRequestError(() => messagesOf([{ role: "user", content: [{ type: "text", text: 1 }] }]), {
      message: "messages[0].content[0].text must be a string",
      param: "messages[0].content[0]",
    });
    expectRequestError(
      () =>
        messagesOf([
          {
            role: "user",
            content: [
              { type: "text", text: "a" },
              { type: "file", file: {} },
            ],
          },
        ]),
      {
        message: 'unsupported content part type "file"; supported: text, image_url, input_audio',
        param: "messages[0].content[1].type",
      },
    );
    expectRequestError(
      () => messagesOf([{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }]),
      {
        message: /input_audio.data must be base64/,
        param: "messages[0].content[0]",
      },
    );
  });

  test("content of another type is refused", () => {
    expectRequestError(() => messagesOf([{ role: "user", content: 42 }]), {
      message: /^invalid message content type: number/,
      param: "messages[0].content",
    });
    expectRequestError(() => messagesOf([{ role: "user", content: { text: "hi" } }]), {
      message: /^invalid message content type: object/,
      param: "messages[0].content",
    });
  });

  test("only an assistant may leave content out", () => {
    expectRequestError(() => messagesOf([{ role: "user", content: null }]), {
      message: "Missing required parameter: 'messages[0].content'.",
      param: "messages[0].content",
    });
    expectRequestError(() => messagesOf([{ role: "user" }]), {
      param: "messages[0].content",
      message: /Missing/,
    });
    expect(messagesOf([{ role: "assistant", content: null }])).toEqual([{ role: "assistant", content: "" }]);
  });
});

describe("assistant tool calls and reasoning", () => {
  const call = (id: string | undefined, name: string, args: unknown) => ({
    ...(id ? { id } : {}),
    type: "function",
    function: { name, arguments: args },
  });

  test("tool_calls with JSON-string arguments become native calls with object arguments", () => {
    const [msg] = messagesOf([
      {
        role: "assistant",
        content: null,
        tool_calls: [call("call_1", "get_weather", '{"city":"Paris","days":2}'), call(undefined, "now", "")],
      },
    ]);
    expect(msg).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        { id: "call_1", function: { name: "get_weather", arguments: { city: "Paris", days: 2 } } },
        { function: { name: "now", arguments: {} } },
      ],
    });
  });

  test("argument objects sent as objects are accepted as they are", () => {
    const [msg] = messagesOf([{ role: "assistant", content: "", tool_calls: [call("c", "f", { a: 1 })] }]);
    expect(msg?.tool_calls?.[0]?.function.arguments).toEqual({ a: 1 });
  });

  test("tool calls survive array content too", () => {
    const [msg] = messagesOf([
      {
        role: "assistant",
        content: [{ type: "text", text: "checking" }],
        tool_calls: [call("c", "f", "{}")],
      },
    ]);
    expect(msg).toEqual({
      role: "assistant",
      content: "checking",
      tool_calls: [{ id: "c", function: { name: "f", arguments: {} } }],
    });
  });

  test("unparsable or non-object arguments are refused", () => {
    for (const args of ["{not json", "[1,2]", "3", '"text"']) {
      expectRequestError(
        () => messagesOf([{ role: "assistant", content: null, tool_calls: [call("c", "f", args)] }]),
        {
          message: "invalid tool call arguments",
          param: "messages[0].tool_calls[0].function.arguments",
        },
      );
    }
  });

  test("reasoning and reasoning_content become thinking", () => {
    expect(messagesOf([{ role: "assistant", content: "4", reasoning: "2+2" }])).toEqual([
      { role: "assistant", content: "4", thinking: "2+2" },
    ]);
    expect(messagesOf([{ role: "assistant", content: "4", reasoning_content: "2+2" }])).toEqual([
      { role: "assistant", content: "4", thinking: "2+2" },
    ]);
  });
});

describe("tool results", () => {
  const assistant = (calls: Array<[string, string]>) => ({
    role: "assistant",
    content: null,
    tool_calls: calls.map(([id, name]) => ({ id, type: "function", function: { name, arguments: "{}" } })),
  });

  test("tool_name from name, tool_call_id kept", () => {
    expect(
      messagesOf([{ role: "tool", name: "get_weather", tool_call_id: "call_1", content: "sunny" }]),
    ).toEqual([{ role: "tool", content: "sunny", tool_name: "get_weather", tool_call_id: "call_1" }]);
  });

  test("tool_name looked up from the earlier assistant call with the same id", () => {
    const messages = messagesOf([
      { role: "user", content: "weather and time?" },
      assistant([
        ["call_a", "get_weather"],
        ["call_b", "get_time"],
      ]),
      { role: "tool", tool_call_id: "call_b", content: "noon" },
      { role: "tool", tool_call_id: "call_a", content: "sunny" },
      { role: "tool", tool_call_id: "call_unknown", content: "?" },
    ]);
    expect(messages.slice(2)).toEqual([
      { role: "tool", content: "noon", tool_name: "get_time", tool_call_id: "call_b" },
      { role: "tool", content: "sunny", tool_name: "get_weather", tool_call_id: "call_a" },
      { role: "tool", content: "?", tool_call_id: "call_unknown" },
    ]);
  });

  test("with duplicate ids the latest earlier call wins, never a later one", () => {
    const messages = messagesOf([
      assistant([["dup", "first"]]),
      assistant([["dup", "second"]]),
      { role: "tool", tool_call_id: "dup", content: "r" },
      assistant([["dup", "third"]]),
    ]);
    expect(messages[2]?.tool_name).toBe("second");
  });

  test("the legacy function role is a tool result", () => {
    expect(messagesOf([{ role: "function", name: "f", content: "42" }])).toEqual([
      { role: "tool", content: "42", tool_name: "f" },
    ]);
  });
});
