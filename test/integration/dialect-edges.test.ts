// What each dialect owns at its edges: how progress shows (or not), and Ollama's own words for a
// model that does not exist, on every route that names one.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { MAX_CHAIN_LENGTH } from "../../src/agents/index.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
const hi = [{ role: "user" as const, content: "hi" }];
const NO_MANIFEST = "pull model manifest: file does not exist";

beforeAll(async () => {
  fake = await startFakeOllama();
  // Native progress off, /v1 progress on: each renderer decides for itself.
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: {
      progressAfterMs: 100,
      progressEveryMs: 100,
      progressNative: "none",
      progressOpenAI: "comment",
      // Every request asks the registry again, so each gets the pull's own outcome.
      pullRetryAfterMs: 0,
    },
  });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}${path}`, { method: "POST", body: JSON.stringify(body), headers });

describe("progress is the renderer's choice", () => {
  test("PROGRESS_NATIVE=none does not silence the load progress of /v1 streams", async () => {
    const res = await post(
      "/v1/chat/completions",
      { model: "llama3.2", messages: hi, stream: true },
      { "x-fake-first-byte-delay-ms": "350" },
    );
    const text = await res.text();
    expect(text).toContain(": waiting for llama3.2 to load");
    expect(text).toContain('"content":"You"');
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
  });

  test("with native progress off, a slow stream shows no progress lines", async () => {
    const res = await post(
      "/api/chat",
      { model: "llama3.2", messages: hi },
      { "x-fake-first-byte-delay-ms": "350" },
    );
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.every((l) => l.message.content !== "" || l.done)).toBe(true);
  });

  test("with native progress off, a pull that fails after a long silence keeps its real status", async () => {
    Object.assign(fake.behaviour, { pullChunkDelayMs: 150, pullFailAfterLines: 2 });
    const res = await post("/api/chat", { model: "tinyllama", messages: hi });
    expect(res.status).toBe(502);
    const { error } = (await res.json()) as { error: string };
    expect(error).toStartWith("model 'tinyllama' not found (pull failed: ");
  });
});

describe("a model that does not exist: Ollama's text first, then why the proxy could not pull it", () => {
  test("/api/chat and /api/generate: 404 model 'x' not found (…)", async () => {
    for (const [path, body] of [
      ["/api/chat", { model: "ghost", messages: hi }],
      ["/api/generate", { model: "ghost", prompt: "hi" }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: `model 'ghost' not found (pull failed: ${NO_MANIFEST})` });
    }
  });

  test("the ollama client raises it with status and text", async () => {
    const ollama = new Ollama({ host: proxy.url });
    const err = await ollama.generate({ model: "ghost", prompt: "hi" }).catch((e) => e);
    expect(err.status_code).toBe(404);
    expect(err.error).toMatch(/^model 'ghost' not found \(pull failed/);
  });

  test("/api/embed and /api/embeddings: Ollama's embed wording, double quotes and all", async () => {
    for (const [path, body] of [
      ["/api/embed", { model: "ghost", input: "hi" }],
      ["/api/embeddings", { model: "ghost", prompt: "hi" }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(404);
      const { error } = (await res.json()) as { error: string };
      expect(error).toBe(`model "ghost" not found, try pulling it first (pull failed: ${NO_MANIFEST})`);
    }
  });

  test("/v1: OpenAI's 404 model_not_found object, raised by the openai client on every route", async () => {
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
    const calls = [
      () => openai.chat.completions.create({ model: "ghost", messages: hi }),
      () => openai.chat.completions.create({ model: "ghost", messages: hi, stream: true }),
      () => openai.completions.create({ model: "ghost", prompt: "hi" }),
      () => openai.embeddings.create({ model: "ghost", input: "hi" }),
    ];
    for (const call of calls) {
      const err = await call().catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err.code).toBe("model_not_found");
      expect(err.type).toBe("not_found_error");
      expect(err.message).toMatch(/model .ghost. not found/);
    }
  });
});

describe("a chain of commands longer than the limit", () => {
  const tooMany = `${"/concise ".repeat(MAX_CHAIN_LENGTH + 1)}hi`;

  test("is a 400 naming the limit, in Ollama's envelope and in OpenAI's", async () => {
    const native = await post("/api/chat", {
      model: "llama3.2",
      messages: [{ role: "user", content: tooMany }],
    });
    expect(native.status).toBe(400);
    const { error } = (await native.json()) as { error: string };
    expect(error).toContain(`at most ${MAX_CHAIN_LENGTH}`);
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
    const err = await openai.chat.completions
      .create({ model: "llama3.2", messages: [{ role: "user", content: tooMany }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain(`at most ${MAX_CHAIN_LENGTH}`);
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
  });

  test("a megabyte of commands is refused at once while /health/live keeps answering", async () => {
    const huge = "/example ".repeat(120_000);
    const sent = post("/api/chat", { model: "llama3.2", messages: [{ role: "user", content: huge }] });
    const live = await fetch(`${proxy.url}/health/live`);
    expect(live.status).toBe(200);
    expect((await sent).status).toBe(400);
  });
});
