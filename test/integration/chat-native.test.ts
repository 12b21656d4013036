// /api/chat and /api/generate through the proxy with the real ollama client and raw fetch.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";
import { ndjsonLines } from "../helpers/streams.ts";

let fake: FakeOllama;
let proxy: TestProxy;
/** AUTO_PULL off: an unknown model gets Ollama's own 404, word for word, instead of a pull attempt. */
let verbatim: TestProxy;
let ollama: Ollama;
const IMAGE = Buffer.from("fake png bytes").toString("base64");

beforeAll(async () => {
  fake = await startFakeOllama();
  const settings = { progressAfterMs: 150, progressEveryMs: 150 };
  proxy = await startProxy({ upstreamUrl: fake.url, settings });
  verbatim = await startProxy({ upstreamUrl: fake.url, settings: { ...settings, autoPull: false } });
  ollama = new Ollama({ host: proxy.url });
});
afterAll(async () => {
  await proxy.stop();
  await verbatim.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}, via = proxy) =>
  fetch(`${via.url}${path}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers,
  });

describe("the ollama client", () => {
  test("chat, streaming and not", async () => {
    const one = await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "hello" }] });
    expect(one.message.content).toBe("You said: hello");
    expect(one.done).toBe(true);
    const parts: string[] = [];
    for await (const p of await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "a b c" }],
      stream: true,
    })) {
      parts.push(p.message.content);
    }
    expect(parts.join("")).toBe("You said: a b c");
    expect(parts.length).toBeGreaterThan(3);
  });

  test("generate, streaming and not", async () => {
    expect((await ollama.generate({ model: "llama3.2", prompt: "hi" })).response).toBe("You said: hi");
    let text = "";
    for await (const p of await ollama.generate({ model: "llama3.2", prompt: "x y", stream: true }))
      text += p.response;
    expect(text).toBe("You said: x y");
  });

  test("tools, images and thinking", async () => {
    const tools = await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "weather",
            parameters: {
              type: "object",
              required: ["city"],
              properties: { city: { type: "string", description: "city" } },
            },
          },
        },
      ],
    });
    expect(tools.message.tool_calls?.[0]?.function.name).toBe("get_weather");
    expect(tools.message.tool_calls?.[0]?.function.arguments).toEqual({ city: "test" });

    const vision = await ollama.chat({
      model: "llava",
      messages: [{ role: "user", content: "what is it?", images: [IMAGE] }],
    });
    expect(vision.message.content).toContain("I see 1 image");
    const sent = fake.requestsTo("/api/chat").at(-1)?.body as { messages: Array<{ images: string[] }> };
    expect(sent.messages[0]?.images).toEqual([IMAGE]);

    const thinking = await ollama.chat({
      model: "qwen3",
      messages: [{ role: "user", content: "think" }],
      think: true,
    });
    expect(thinking.message.thinking?.length).toBeGreaterThan(0);
    expect(thinking.message.content).toBe("You said: think");
  });

  test("errors keep Ollama's status and text", async () => {
    const missing = await new Ollama({ host: verbatim.url })
      .chat({ model: "llama9", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect([missing.status_code, missing.message]).toEqual([404, "model 'llama9' not found"]);
    const noThink = await ollama
      .chat({ model: "llama3.2", messages: [{ role: "user", content: "x" }], think: true })
      .catch((e) => e);
    expect(noThink.status_code).toBe(400);
    expect(noThink.message).toContain("does not support thinking");
  });

  test("a mid-stream upstream error is raised by the client", async () => {
    const failing = new Ollama({
      host: proxy.url,
      headers: { "x-fake-fail-after-chunks": "2", "x-fake-fail-message": "runner crashed" },
    });
    const err = await (async () => {
      for await (const _ of await failing.chat({
        model: "llama3.2",
        messages: [{ role: "user", content: "a b c d" }],
        stream: true,
      })) {
        // consume
      }
    })().catch((e) => e);
    expect(err.message).toBe("runner crashed");
  });
});

describe("wire details", () => {
  test("stream defaults on: NDJSON, one object per line, the last with done and metrics", async () => {
    const res = await post("/api/chat", { model: "llama3.2", messages: [{ role: "user", content: "hi" }] });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = await ndjsonLines(res);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
    expect(typeof lines.at(-1)?.eval_count).toBe("number");
  });

  test("fast path: the upstream's bytes are passed on unchanged, and the body goes upstream byte for byte", async () => {
    const body =
      '{"model":"llama3.2",  "messages":[{"role":"user","content":"hi"}], "unknown_field": {"kept": true}}';
    const res = await post("/api/chat", body);
    const viaProxy = await res.text();
    expect(fake.requestsTo("/api/chat")[0]?.body).toEqual(JSON.parse(body));
    const direct = await (await fetch(`${fake.url}/api/chat`, { method: "POST", body })).text();
    const strip = (t: string) => t.replace(/"created_at":"[^"]+"/g, "");
    expect(strip(viaProxy)).toBe(strip(direct));
  });

  test("load and unload requests behave as Ollama's", async () => {
    const load = await post("/api/chat", { model: "llama3.2" });
    expect(load.headers.get("content-type")).toStartWith("application/json");
    expect(await load.json()).toMatchObject({ done: true, done_reason: "load" });
    const unload = await post("/api/generate", { model: "llama3.2", keep_alive: 0 });
    expect(await unload.json()).toMatchObject({ done: true, done_reason: "unload" });
  });

  test.each([
    ["", 400, "missing request body"],
    ["{", 400, "unexpected EOF"],
    ["x", 400, "invalid character 'x' looking for beginning of value"],
    [
      '{"model": 5}',
      400,
      "json: cannot unmarshal number into Go struct field ChatRequest.model of type string",
    ],
    ['{"messages": []}', 400, "model is required"],
    ["[]", 400, "json: cannot unmarshal array into Go value of type api.ChatRequest"],
  ])("bad /api/chat body %p → %p %p", async (body, status, message) => {
    const res = await post("/api/chat", body);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(await res.json()).toEqual({ error: message });
  });

  test("generate without a model is a 404, as in Ollama", async () => {
    const res = await post("/api/generate", { prompt: "x" });
    expect([res.status, await res.json()]).toEqual([404, { error: "model '' not found" }]);
  });

  test("a slow model load gets keep-alive chunks the client ignores, then the answer", async () => {
    const slow = new Ollama({ host: proxy.url, headers: { "x-fake-first-byte-delay-ms": "600" } });
    const parts: Array<{ content: string; done: boolean }> = [];
    for await (const p of await slow.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    })) {
      parts.push({ content: p.message.content, done: p.done });
    }
    const firstReal = parts.findIndex((p) => p.content !== "");
    expect(firstReal).toBeGreaterThan(1);
    expect(parts.slice(0, firstReal).every((p) => p.content === "" && !p.done)).toBe(true);
    expect(parts.map((p) => p.content).join("")).toBe("You said: hi");
  });

  test("a quick upstream error keeps its status: keep-alive output starts only after a silence", async () => {
    const res = await post(
      "/api/chat",
      { model: "llama9", messages: [{ role: "user", content: "x" }] },
      {
        "x-fake-first-byte-delay-ms": "400",
      },
      verbatim,
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "model 'llama9' not found" });
  });

  test("a client that disconnects aborts the upstream chat", async () => {
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      signal: controller.signal,
      headers: { "x-fake-chunk-delay-ms": "200" },
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "a b c d e f" }] }),
    });
    await res.body!.getReader().read();
    controller.abort();
    const seen = await fake.waitForRequest((r) => r.path === "/api/chat" && r.aborted, 1000);
    expect(seen.aborted).toBe(true);
  });
});
