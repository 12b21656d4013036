// The Anthropic Messages API through the proxy, driven by the real @anthropic-ai/sdk, and compared
// with what Ollama's own /v1/messages (the fake's, built from Ollama's source) answers.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";
import { eventNames, parseSse } from "../helpers/sse.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let claude: Anthropic;

beforeAll(async () => {
  fake = startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: {
      modelAliases: { "claude-sonnet-4-5": "qwen3", "claude-haiku-4-5": "llama3.2" },
      defaultModel: "llama3.2",
      keepAlive: "10m",
    },
  });
  claude = new Anthropic({ baseURL: proxy.url, apiKey: "ollama", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

type Body = Record<string, unknown> & { messages: Array<Record<string, unknown>> };
const chats = () => fake.requestsTo("/api/chat").map((r) => r.body as Body);
const lastChat = () => chats().at(-1) as Body;
const hi: Anthropic.MessageParam[] = [{ role: "user", content: "hi" }];
const lookup: Anthropic.Tool = {
  name: "lookup",
  description: "Looks a word up",
  input_schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
};

/** What the two servers answer alike: blocks without ids or signatures, stop reason, usage. */
function comparable(m: Anthropic.Message) {
  const content = (m.content ?? []).map((b) => {
    const { id: _id, signature: _s, ...rest } = b as unknown as Record<string, unknown>;
    return rest;
  });
  return { content, stop_reason: m.stop_reason, usage: m.usage };
}

async function rawStream(base: string, body: Record<string, unknown>) {
  const res = await fetch(`${base}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ max_tokens: 256, ...body, stream: true }),
  });
  return parseSse(await res.text());
}

describe("messages.create", () => {
  test("through an alias: thinking and text blocks, usage, the client's model name, Anthropic ids", async () => {
    const { data, response } = await claude.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 64, messages: hi })
      .withResponse();
    expect(data.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(data.model).toBe("claude-sonnet-4-5");
    expect(data.content).toEqual([
      { type: "thinking", thinking: "Let me think about it.", signature: "" },
      { type: "text", text: "You said: hi" },
    ] as Anthropic.ContentBlock[]);
    expect(data.stop_reason).toBe("end_turn");
    expect(data.stop_sequence).toBeNull();
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBe(5);
    expect(response.headers.get("request-id")).toBe(response.headers.get("x-request-id"));
    const sent = lastChat();
    expect(sent.model).toStartWith("qwen3");
    expect(sent.options).toEqual({ num_predict: 64 });
    expect(sent.keep_alive).toBe("10m");
    const line = await eventually("access line", () =>
      accessLines(proxy).find(
        (l) => l.path === "/v1/messages" && l.requestId === response.headers.get("x-request-id"),
      ),
    );
    expect(String(line.model)).toStartWith("qwen3");
    expect(line.status).toBe(200);
  });

  test("answers as Ollama's own /v1/messages does, streamed and not (ids and signatures aside)", async () => {
    const ollama = new Anthropic({ baseURL: fake.url, apiKey: "ollama", maxRetries: 0 });
    for (const request of [
      { model: "qwen3", max_tokens: 64, messages: [{ role: "user" as const, content: "compare me" }] },
      { model: "llama3.2", max_tokens: 64, messages: hi, tools: [lookup] },
      {
        model: "llama3.2",
        max_tokens: 2,
        system: "Be brief.",
        messages: [{ role: "user" as const, content: "a b c d" }],
      },
    ]) {
      const [ours, theirs] = [await claude.messages.create(request), await ollama.messages.create(request)];
      expect(comparable(ours)).toEqual(comparable(theirs));
      const [streamed, theirStream] = [
        await claude.messages.stream(request).finalMessage(),
        await ollama.messages.stream(request).finalMessage(),
      ];
      expect(comparable(streamed)).toEqual(comparable(theirStream));
      expect(eventNames(await rawStream(proxy.url, request))).toBe(
        eventNames(await rawStream(fake.url, request)),
      );
    }
  });

  test("errors as Ollama's /v1/messages sends them: the same status and type, Ollama's words first", async () => {
    const post = (base: string, body: Record<string, unknown>) =>
      fetch(`${base}/v1/messages`, { method: "POST", body: JSON.stringify(body) });
    const tools = [lookup];
    for (const body of [
      { model: "no-such-model", max_tokens: 8, messages: hi },
      { model: "hf.co/acme/tiny-GGUF:Q4_K_M", max_tokens: 8, messages: hi, tools },
      { model: "hf.co/acme/tiny-GGUF:Q4_K_M", max_tokens: 8, messages: hi, tools, stream: true },
      { model: "llama3.2", messages: hi },
    ]) {
      const [ours, theirs] = [await post(proxy.url, body), await post(fake.url, body)];
      expect(ours.status).toBe(theirs.status);
      const [a, b] = (await Promise.all([ours.json(), theirs.json()])) as Array<{
        type: string;
        error: { type: string; message: string };
      }>;
      expect([a?.type, a?.error.type]).toEqual([b?.type ?? "", b?.error.type ?? ""]);
      if (ours.status !== 400 || body.tools) expect(a?.error.message).toStartWith(b?.error.message ?? "");
    }
  });

  test("system prompt in blocks, images, multi-turn history reach /api/chat in Ollama's shapes", async () => {
    const png = "iVBORw0KGgo=";
    const answer = await claude.messages.create({
      model: "llava",
      max_tokens: 32,
      system: [
        { type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } },
        { type: "text", text: " Use French." },
      ],
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "premier" },
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
            { type: "text", text: "and this?" },
          ],
        },
      ],
      metadata: { user_id: "someone" },
    });
    expect(answer.content).toEqual([
      { type: "text", text: "I see 1 image(s). You said: and this?" },
    ] as Anthropic.ContentBlock[]);
    expect(lastChat().messages).toEqual([
      { role: "system", content: "You are terse. Use French." },
      { role: "user", content: "first" },
      { role: "assistant", content: "premier" },
      { role: "user", content: "and this?", images: [png] },
    ]);
  });

  test("the default model serves a request that names none; its name is echoed", async () => {
    const res = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ max_tokens: 16, messages: hi }),
    });
    const body = (await res.json()) as Anthropic.Message;
    expect(res.status).toBe(200);
    expect(body.model).toStartWith("llama3.2");
    expect(lastChat().model).toStartWith("llama3.2");
  });
});

describe("messages.stream", () => {
  test("text arrives delta by delta; the final message is assembled by the SDK", async () => {
    const deltas: string[] = [];
    const stream = claude.messages
      .stream({
        model: "claude-haiku-4-5",
        max_tokens: 64,
        messages: [{ role: "user", content: "one two three" }],
      })
      .on("text", (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("You said: one two three");
    expect(final.model).toBe("claude-haiku-4-5");
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(deltas.length);
  });

  test("thinking deltas, then text, each block closed before the next", async () => {
    const thinking: string[] = [];
    const final = await claude.messages
      .stream({
        model: "qwen3",
        max_tokens: 64,
        thinking: { type: "enabled", budget_tokens: 1024 },
        messages: hi,
      })
      .on("thinking", (delta) => thinking.push(delta))
      .finalMessage();
    expect(thinking.join("")).toBe("Let me think about it.");
    expect(final.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    expect("think" in lastChat()).toBe(false);
  });
});

describe("tools", () => {
  test("a round trip: tool_use with a toolu_ id and parsed input, then a tool_result answered in text", async () => {
    const first = await claude.messages.create({
      model: "llama3.2",
      max_tokens: 64,
      messages: hi,
      tools: [lookup],
    });
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b) => b.type === "tool_use");
    expect(call).toMatchObject({ type: "tool_use", name: "lookup", input: { q: "test" } });
    expect(call?.type === "tool_use" && call.id).toMatch(/^toolu_01/);
    expect(lastChat().tools).toEqual([
      {
        type: "function",
        function: { name: "lookup", description: "Looks a word up", parameters: lookup.input_schema },
      },
    ]);
    if (call?.type !== "tool_use") throw new Error("no tool call");

    const second = await claude.messages.create({
      model: "llama3.2",
      max_tokens: 64,
      tools: [lookup],
      messages: [
        ...hi,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "a greeting" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content).toEqual([{ type: "text", text: "You said: hi" }] as Anthropic.ContentBlock[]);
    expect(lastChat().messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: call.id, function: { name: "lookup", arguments: { q: "test" } } }],
      },
      { role: "tool", content: "a greeting", tool_call_id: call.id, tool_name: "lookup" },
    ]);
  });

  test("streamed: the tool_use block's input is parsed from its input_json_delta", async () => {
    const final = await claude.messages
      .stream({ model: "qwen3", max_tokens: 64, messages: hi, tools: [lookup] })
      .finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    expect(final.content[1]).toMatchObject({ name: "lookup", input: { q: "test" } });
  });
});

describe("count_tokens", () => {
  test("the SDK's countTokens gets Ollama's own estimate (the one its message_start carries)", async () => {
    const request = {
      model: "claude-haiku-4-5",
      system: "You are a careful assistant who counts.",
      messages: [
        { role: "user" as const, content: "How many tokens is this sentence, roughly?" },
        { role: "assistant" as const, content: "About ten." },
        { role: "user" as const, content: "And this one?" },
      ],
      tools: [lookup],
    };
    const counted = await claude.messages.countTokens(request);
    const [start] = await rawStream(fake.url, { ...request, model: "llama3.2" });
    const estimate = (start!.data.message as { usage: { input_tokens: number } }).usage.input_tokens;
    expect(counted.input_tokens).toBe(estimate);
    expect(counted.input_tokens).toBeGreaterThan(20);
    expect(fake.requestsTo("/api/chat").length).toBe(0);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toContain(
      'proxy_requests_total{route="/v1/messages/count_tokens",method="POST",status="200"}',
    );
  });
});

describe("thinking and stop sequences", () => {
  test("an effort level on a model that cannot think: asked again without it, as Ollama relaxes it", async () => {
    const res = await claude.messages.create({
      model: "llama3.2",
      max_tokens: 32,
      messages: hi,
      output_config: { effort: "high" },
    });
    expect(res.content).toEqual([{ type: "text", text: "You said: hi" }] as Anthropic.ContentBlock[]);
    expect(chats().map((c) => c.think)).toEqual(["high", undefined]);
    // thinking.enabled needs no second call: it is sent as "the model's default".
    fake.reset();
    await claude.messages.create({
      model: "llama3.2",
      max_tokens: 32,
      messages: hi,
      thinking: { type: "enabled", budget_tokens: 1024 },
    });
    expect(chats()).toHaveLength(1);
  });

  test("a stop sequence ends the answer there, is named, and the upstream is cancelled", async () => {
    const client = new Anthropic({
      baseURL: proxy.url,
      apiKey: "ollama",
      maxRetries: 0,
      defaultHeaders: { "x-fake-reply": "one two STOP three four five six", "x-fake-chunk-delay-ms": "30" },
    });
    const request = { model: "llama3.2", max_tokens: 64, messages: hi, stop_sequences: ["STOP"] };
    for (const message of [
      await client.messages.create(request),
      await client.messages.stream(request).finalMessage(),
    ]) {
      expect(message.content).toEqual([{ type: "text", text: "one two " }] as Anthropic.ContentBlock[]);
      expect(message.stop_reason).toBe("stop_sequence");
      expect(message.stop_sequence).toBe("STOP");
    }
    await eventually("both upstream answers cut short", () =>
      fake.requestsTo("/api/chat").filter((r) => r.aborted).length === 2 ? true : undefined,
    );
    expect(lastChat().options).toEqual({ num_predict: 64 });
  });
});
