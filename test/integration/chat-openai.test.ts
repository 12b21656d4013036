// The OpenAI-compatible surface through the proxy, driven by the real openai client.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let openai: OpenAI;

beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { progressAfterMs: 150, progressEveryMs: 150 },
  });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "ollama", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

const lastChat = () => fake.requestsTo("/api/chat").at(-1)?.body as Record<string, unknown>;

describe("chat completions", () => {
  test("non-streaming, with usage, model echoed as requested", async () => {
    const res = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(res.object).toBe("chat.completion");
    expect(res.model).toBe("llama3.2");
    expect(res.choices[0]?.message.content).toBe("You said: hello");
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  test("streaming with include_usage: role first, content deltas, finish, usage chunk", async () => {
    const stream = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "a b c" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("You said: a b c");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  test("tool calls with finish_reason tool_calls, streaming and not", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "lookup",
          parameters: { type: "object", required: ["q"], properties: { q: { type: "string" } } },
        },
      },
    ];
    const res = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "find x" }],
      tools,
    });
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(
      JSON.parse(
        res.choices[0]?.message.tool_calls?.[0]?.type === "function"
          ? res.choices[0].message.tool_calls[0].function.arguments
          : "{}",
      ),
    ).toEqual({ q: "test" });
    const final = await openai.chat.completions
      .stream({ model: "llama3.2", messages: [{ role: "user", content: "find x" }], tools })
      .finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });

  test("reasoning from a thinking model, response_format and Ollama-only knobs", async () => {
    const res = await openai.chat.completions.create({
      model: "qwen3",
      messages: [{ role: "user", content: "x" }],
      response_format: { type: "json_object" },
      max_completion_tokens: 50,
      // Extra body fields reach Ollama: keep_alive and options such as num_ctx.
      // @ts-expect-error -- not in OpenAI's types
      keep_alive: "1h",
      options: { num_ctx: 8192 },
    });
    const message = res.choices[0]?.message as { reasoning?: string } | undefined;
    expect(message?.reasoning?.length).toBeGreaterThan(0);
    const upstream = lastChat();
    expect(upstream.format).toBe("json");
    expect(upstream.keep_alive).toBe("1h");
    expect(upstream.options).toMatchObject({ num_ctx: 8192, num_predict: 50 });
    expect(upstream.options).not.toHaveProperty("temperature");
  });

  test("errors are raised as APIError with the right status", async () => {
    const missing = await openai.chat.completions
      .create({ model: "llama9", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(OpenAI.APIError);
    expect(missing.status).toBe(404);
    const empty = await openai.chat.completions.create({ model: "llama3.2", messages: [] }).catch((e) => e);
    expect(empty.status).toBe(400);
    expect(empty.error.type).toBe("invalid_request_error");
    const unsupported = await openai.chat.completions
      .create({ model: "llama3.2", messages: [{ role: "user", content: "x" }], n: 3 })
      .catch((e) => e);
    expect(unsupported.status).toBe(400);
    const bad = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });

  test("a mid-stream upstream error becomes an SSE error event the client raises", async () => {
    const client = new OpenAI({
      baseURL: `${proxy.url}/v1`,
      apiKey: "x",
      defaultHeaders: { "x-fake-fail-after-chunks": "2", "x-fake-fail-message": "runner crashed" },
    });
    const stream = await client.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "a b c d" }],
      stream: true,
    });
    const err = await (async () => {
      for await (const _ of stream) {
        // consume
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toContain("runner crashed");
  });

  test("a slow load shows as SSE comments the client ignores", async () => {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-fake-first-byte-delay-ms": "500" },
      body: JSON.stringify({ model: "llama3.2", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    expect(text).toMatch(/^: waiting for llama3\.2 to load/);
    expect(text.trimEnd()).toEndWith("data: [DONE]");
    const client = new OpenAI({
      baseURL: `${proxy.url}/v1`,
      apiKey: "x",
      defaultHeaders: { "x-fake-first-byte-delay-ms": "500" },
    });
    const stream = await client.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(content).toBe("You said: hi");
  });
});

describe("completions, models, embeddings", () => {
  test("legacy completions, streaming and not", async () => {
    const res = await openai.completions.create({ model: "llama3.2", prompt: "say" });
    expect(res.choices[0]?.text).toBe("You said: say");
    let text = "";
    for await (const c of await openai.completions.create({ model: "llama3.2", prompt: "go", stream: true }))
      text += c.choices[0]?.text ?? "";
    expect(text).toBe("You said: go");
  });

  test("models list and retrieve, including a name with a slash", async () => {
    const ids = (await openai.models.list()).data.map((m) => m.id);
    const tags = ((await (await fetch(`${fake.url}/api/tags`)).json()) as { models: Array<{ name: string }> })
      .models;
    expect(ids.sort()).toEqual(tags.map((m) => m.name).sort());
    const slash = await openai.models.retrieve("hf.co/acme/tiny-GGUF:Q4_K_M");
    expect(slash.id).toBe("hf.co/acme/tiny-GGUF:Q4_K_M");
    const missing = await openai.models.retrieve("nope").catch((e) => e);
    expect(missing.status).toBe(404);
  });

  test("embeddings as floats and as base64 (the client's default), with dimensions", async () => {
    const floats = await openai.embeddings.create({
      model: "nomic-embed-text",
      input: ["a", "b"],
      encoding_format: "float",
    });
    expect(floats.data).toHaveLength(2);
    const b64 = await openai.embeddings.create({ model: "nomic-embed-text", input: ["a", "b"] });
    const f = floats.data[0]?.embedding ?? [];
    const g = b64.data[0]?.embedding ?? [];
    expect(g.length).toBe(f.length);
    for (const [i, v] of g.entries()) expect(v).toBeCloseTo(f[i] ?? Number.NaN, 5);
    const cut = await openai.embeddings.create({ model: "nomic-embed-text", input: "a", dimensions: 4 });
    expect(cut.data[0]?.embedding).toHaveLength(4);
    const bad = await openai.embeddings.create({ model: "nomic-embed-text", input: [] }).catch((e) => e);
    expect(bad.status).toBe(400);
  });
});
