// Pull on demand through every chat route, single-flight, explicit /api/pull joining, refusals, backoff.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import OpenAI from "openai";
import type { Settings } from "../../src/config/settings.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";
import { ndjsonLines } from "../helpers/streams.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let ollama: Ollama;
let openai: OpenAI;

const hi = [{ role: "user" as const, content: "hi" }];
const FAST: Partial<Settings> = {
  modelsCacheMs: 0,
  pullRetryAfterMs: 300,
  pullGraceMs: 0,
  progressAfterMs: 50,
};

async function restart(settings: Partial<Settings> = {}) {
  await proxy?.stop();
  proxy = await startProxy({ upstreamUrl: fake.url, settings: { ...FAST, ...settings } });
  ollama = new Ollama({ host: proxy.url });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "ollama", maxRetries: 0 });
}

const installed = () => fake.models.map((m) => m.name);

beforeAll(() => {
  fake = startFakeOllama();
});
beforeEach(async () => {
  fake.reset();
  await restart();
});
afterEach(() => proxy.stop());
afterAll(() => fake.stop());

describe("a missing model is pulled, then the request goes on", () => {
  test("/api/chat with the ollama client, streamed and not", async () => {
    const once = await ollama.chat({ model: "tinyllama", messages: hi, stream: false });
    expect(once.message.content).toBe("You said: hi");
    expect(installed()).toContain("tinyllama:latest");
    const parts: string[] = [];
    for await (const p of await ollama.chat({ model: "phi3:mini", messages: hi, stream: true })) {
      parts.push(p.message.content);
    }
    expect(parts.join("")).toBe("You said: hi");
    expect(fake.requestsTo("/api/pull").map((r) => r.body)).toEqual([
      { model: "tinyllama", stream: true },
      { model: "phi3:mini", stream: true },
    ]);
  });

  test("/api/generate with the ollama client", async () => {
    const res = await ollama.generate({ model: "mistral", prompt: "hello", stream: false });
    expect(res.response).toBe("You said: hello");
    const parts: string[] = [];
    for await (const p of await ollama.generate({ model: "tinyllama", prompt: "x", stream: true })) {
      parts.push(p.response ?? "");
    }
    expect(parts.join("")).toBe("You said: x");
    expect(fake.requestsTo("/api/pull")).toHaveLength(2);
  });

  test("/v1/chat/completions with the openai client, streamed and not", async () => {
    const once = await openai.chat.completions.create({ model: "tinyllama", messages: hi });
    expect(once.choices[0]?.message.content).toBe("You said: hi");
    expect(once.model).toBe("tinyllama");
    const stream = await openai.chat.completions.create({ model: "mistral", messages: hi, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("You said: hi");
    expect(fake.requestsTo("/api/pull")).toHaveLength(2);
  });

  test("/v1/embeddings and /api/embed pull embedding models too", async () => {
    const uninstall = () =>
      fake.models.splice(
        fake.models.findIndex((m) => m.name.startsWith("nomic")),
        1,
      );
    uninstall();
    const viaOpenAI = await openai.embeddings.create({ model: "nomic-embed-text", input: "a" });
    expect(viaOpenAI.data).toHaveLength(1);
    uninstall();
    const native = await ollama.embed({ model: "nomic-embed-text", input: "a" });
    expect(native.embeddings).toHaveLength(1);
    expect(fake.requestsTo("/api/pull")).toHaveLength(2);
  });
});

test("five concurrent requests for one missing model cause exactly one pull", async () => {
  fake.behaviour.pullChunkDelayMs = 10;
  const results = await Promise.all([
    ollama.chat({ model: "tinyllama", messages: hi, stream: false }).then((r) => r.message.content),
    ollama.generate({ model: "tinyllama:latest", prompt: "hi", stream: false }).then((r) => r.response),
    openai.chat.completions
      .create({ model: "tinyllama", messages: hi })
      .then((r) => r.choices[0]?.message.content),
    (async () => {
      let text = "";
      for await (const p of await ollama.chat({ model: "tinyllama", messages: hi, stream: true }))
        text += p.message.content;
      return text;
    })(),
    (async () => {
      let text = "";
      const stream = await openai.chat.completions.create({ model: "tinyllama", messages: hi, stream: true });
      for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
      return text;
    })(),
  ]);
  expect([...results]).toEqual(Array<string>(5).fill("You said: hi"));
  expect(fake.requestsTo("/api/pull")).toHaveLength(1);
});

describe("explicit POST /api/pull", () => {
  test("joins a pull in flight: its progress, one upstream pull, ending in success", async () => {
    fake.behaviour.pullChunkDelayMs = 15;
    const chat = ollama.chat({ model: "mistral", messages: hi, stream: false });
    await fake.waitForRequest((r) => r.path === "/api/pull");
    const statuses: string[] = [];
    for await (const p of await ollama.pull({ model: "mistral", stream: true })) statuses.push(p.status);
    expect((await chat).message.content).toBe("You said: hi");
    expect(statuses[0]).toBe("pulling manifest");
    expect(statuses.some((s) => s.startsWith("pulling ") && s !== "pulling manifest")).toBe(true);
    expect(statuses.at(-1)).toBe("success");
    const late = await ollama.pull({ model: "mistral", stream: false });
    expect(late.status).toBe("success");
    expect(fake.requestsTo("/api/pull")).toHaveLength(2);
  });

  test("a stream:false client joining gets the last status; body fields reach the upstream", async () => {
    fake.behaviour.pullChunkDelayMs = 10;
    const first = fetch(`${proxy.url}/api/pull`, {
      method: "POST",
      body: JSON.stringify({ name: "phi3:mini", insecure: true, extra: 1 }),
    });
    await fake.waitForRequest((r) => r.path === "/api/pull");
    const joined = await fetch(`${proxy.url}/api/pull`, {
      method: "POST",
      body: JSON.stringify({ model: "phi3:mini", stream: false }),
    });
    expect(joined.headers.get("content-type")).toBe("application/json");
    expect(await joined.json()).toEqual({ status: "success" });
    const lines = await ndjsonLines(await first);
    expect(lines.at(-1)).toEqual({ status: "success" });
    expect(fake.requestsTo("/api/pull").map((r) => r.body)).toEqual([
      { name: "phi3:mini", insecure: true, extra: 1, stream: true },
    ]);
  });

  test("errors look like Ollama's: an error line when streaming, a status with stream:false", async () => {
    const streamed = await ndjsonLines(
      await fetch(`${proxy.url}/api/pull`, { method: "POST", body: JSON.stringify({ model: "ghost" }) }),
    );
    expect(streamed).toEqual([
      { status: "pulling manifest" },
      { error: "pull model manifest: file does not exist" },
    ]);
    const once = await fetch(`${proxy.url}/api/pull`, {
      method: "POST",
      body: JSON.stringify({ model: "ghost", stream: false }),
    });
    expect(once.status).toBe(500);
    expect(await once.json()).toEqual({ error: "pull model manifest: file does not exist" });
    // Explicit pulls are a user's decision: no backoff, each one asks the registry.
    expect(fake.requestsTo("/api/pull")).toHaveLength(2);
    const bad = await fetch(`${proxy.url}/api/pull`, { method: "POST", body: "{}" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "invalid model name" });
  });
});

describe("models that cannot be had get a clear 404 in the client's dialect", () => {
  test("a denied model: no pull, the name and the reason", async () => {
    await restart({ pullDeny: ["mistral*"] });
    const err = await ollama.chat({ model: "mistral", messages: hi, stream: true }).catch((e) => e);
    expect(err.status_code).toBe(404);
    expect(err.error).toBe(
      "model 'mistral' not found (pulling it on demand is denied by PULL_DENY (mistral*))",
    );
    const oa = await openai.chat.completions.create({ model: "mistral", messages: hi }).catch((e) => e);
    expect(oa).toBeInstanceOf(OpenAI.NotFoundError);
    expect(oa.message).toContain("model 'mistral' not found (pulling it on demand is denied");
    expect(oa.code).toBe("model_not_found");
    expect(oa.type).toBe("not_found_error");
    expect(fake.requestsTo("/api/pull")).toHaveLength(0);
  });

  test("a model the registry lacks: the registry's words", async () => {
    const err = await ollama.chat({ model: "ghost", messages: hi, stream: false }).catch((e) => e);
    expect(err.status_code).toBe(404);
    expect(err.error).toBe("model 'ghost' not found (pull failed: pull model manifest: file does not exist)");
    const oa = await openai.chat.completions
      .create({ model: "ghost", messages: hi, stream: true })
      .catch((e) => e);
    expect(oa).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("with auto-pull off Ollama's own 404 reaches the client unchanged", async () => {
    await restart({ autoPull: false });
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "tinyllama", messages: hi }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "model 'tinyllama' not found" });
    expect(fake.requestsTo("/api/pull")).toHaveLength(0);
    expect(fake.requestsTo("/api/tags")).toHaveLength(0);
  });
});

test("a pull failing midway fails every waiter; during the backoff no new pull; afterwards a retry succeeds", async () => {
  Object.assign(fake.behaviour, { pullFailAfterLines: 4, pullChunkDelayMs: 10 });
  const streamed = (async () => {
    for await (const _ of await ollama.chat({ model: "tinyllama", messages: hi, stream: true })) {
      // drained until the in-band error
    }
  })().catch((e: Error) => e.message);
  const waiters = await Promise.all([
    ollama.chat({ model: "tinyllama", messages: hi, stream: false }).catch((e) => e),
    openai.chat.completions.create({ model: "tinyllama", messages: hi }).catch((e) => e),
  ]);
  const cause = "max retries exceeded: unexpected EOF";
  const why = `model 'tinyllama' not found (pull failed: ${cause})`;
  expect(waiters[0].status_code).toBe(502);
  expect(waiters[0].error).toBe(why);
  expect(waiters[1].status).toBe(502);
  expect(waiters[1].message).toContain(why);
  expect(await streamed).toBe(why);
  expect(fake.requestsTo("/api/pull")).toHaveLength(1);

  fake.behaviour.pullFailAfterLines = null;
  const during = await ollama.chat({ model: "tinyllama", messages: hi, stream: false }).catch((e) => e);
  expect(during.status_code).toBe(502);
  expect(during.error).toBe(
    `model 'tinyllama' not found (pull failed 0s ago: ${cause}; the next try is allowed in 1s)`,
  );
  expect(fake.requestsTo("/api/pull")).toHaveLength(1);

  await Bun.sleep(320);
  const after = await ollama.chat({ model: "tinyllama", messages: hi, stream: false });
  expect(after.message.content).toBe("You said: hi");
  expect(fake.requestsTo("/api/pull")).toHaveLength(2);
  await eventually(
    "the failure to clear from the status",
    () => proxy.composed.models.core.pulls.recentFailures().length === 0,
  );
});
