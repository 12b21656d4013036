// Keep-alive output while a pull or a load is slow, read by the real clients; leaving waiters.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import OpenAI from "openai";
import type { Settings } from "../../src/config/settings.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let ollama: Ollama;
let openai: OpenAI;

const hi = [{ role: "user" as const, content: "hi" }];
const SLOW_PULL = { pullChunkDelayMs: 15 };
const TIMING = { minGapMs: 10, heartbeatMs: 50 };

async function restart(settings: Partial<Settings> = {}) {
  await proxy?.stop();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { modelsCacheMs: 0, progressAfterMs: 30, progressEveryMs: 100, pullGraceMs: 0, ...settings },
    tuning: { pullTiming: TIMING },
  });
  ollama = new Ollama({ host: proxy.url });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "ollama", maxRetries: 0 });
}

beforeAll(() => {
  fake = startFakeOllama();
});
beforeEach(async () => {
  fake.reset();
  await restart();
});
afterEach(() => proxy.stop());
afterAll(() => fake.stop());

describe("during a slow pull", () => {
  test("ollama client: empty chunks first, then the answer, nothing garbled", async () => {
    Object.assign(fake.behaviour, SLOW_PULL);
    const parts: Array<{ content: string; done: boolean }> = [];
    for await (const p of await ollama.chat({ model: "tinyllama", messages: hi, stream: true })) {
      parts.push({ content: p.message.content, done: p.done });
    }
    const leading = parts.findIndex((p) => p.content !== "");
    expect(leading).toBeGreaterThan(2);
    expect(parts.slice(0, leading).every((p) => p.content === "" && !p.done)).toBe(true);
    expect(parts.map((p) => p.content).join("")).toBe("You said: hi");
    expect(parts.at(-1)?.done).toBe(true);
  });

  test("ollama client with PROGRESS_NATIVE=thinking: the texts arrive as thinking", async () => {
    await restart({ progressNative: "thinking" });
    Object.assign(fake.behaviour, SLOW_PULL);
    let thinking = "";
    let content = "";
    for await (const p of await ollama.generate({ model: "tinyllama", prompt: "hi", stream: true })) {
      thinking += p.thinking ?? "";
      content += p.response;
    }
    expect(thinking).toMatch(/pulling tinyllama \d+%\n/);
    expect(content).toBe("You said: hi");
  });

  test("openai client: SSE comments are skipped by the client and seen on the wire", async () => {
    Object.assign(fake.behaviour, SLOW_PULL);
    const stream = await openai.chat.completions.create({ model: "tinyllama", messages: hi, stream: true });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    expect(text).toBe("You said: hi");

    const raw = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "phi3:mini", messages: hi, stream: true }),
    });
    const body = await raw.text();
    expect(body).toMatch(/^: pulling phi3:mini \d+%$/m);
    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  test("openai client with PROGRESS_OPENAI=reasoning: the texts arrive as reasoning deltas", async () => {
    await restart({ progressOpenAI: "reasoning" });
    Object.assign(fake.behaviour, SLOW_PULL);
    const stream = await openai.chat.completions.create({ model: "tinyllama", messages: hi, stream: true });
    let reasoning = "";
    let text = "";
    for await (const c of stream) {
      const delta = c.choices[0]?.delta as { content?: string; reasoning?: string } | undefined;
      reasoning += delta?.reasoning ?? "";
      text += delta?.content ?? "";
    }
    expect(reasoning).toContain("pulling tinyllama");
    expect(text).toBe("You said: hi");
  });

  test("a pull that goes quiet still produces output (heartbeat)", async () => {
    // The fake's first-byte delay holds the whole pull response back: Ollama looking up a slow registry.
    Object.assign(fake.behaviour, { firstByteDelayMs: 250 });
    const parts: string[] = [];
    for await (const p of await ollama.chat({ model: "tinyllama", messages: hi, stream: true }))
      parts.push(p.message.content);
    expect(parts.filter((c) => c === "").length).toBeGreaterThanOrEqual(3);
  });
});

test("during a slow load both clients get keep-alive output and a clean answer", async () => {
  fake.behaviour.firstByteDelayMs = 250;
  const parts: string[] = [];
  for await (const p of await ollama.chat({ model: "llama3.2", messages: hi, stream: true }))
    parts.push(p.message.content);
  expect(parts.filter((c) => c === "").length).toBeGreaterThanOrEqual(3);
  expect(parts.join("")).toBe("You said: hi");

  const raw = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "llama3.2", messages: hi, stream: true }),
  });
  expect(await raw.text()).toMatch(/^: waiting for llama3\.2 to load \(\ds\)$/m);
  const stream = await openai.chat.completions.create({ model: "llama3.2", messages: hi, stream: true });
  let text = "";
  for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
  expect(text).toBe("You said: hi");
});

describe("waiters that leave", () => {
  test("one client leaving does not stop a pull another waits for", async () => {
    Object.assign(fake.behaviour, SLOW_PULL);
    const leaving = new AbortController();
    const gone = fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "tinyllama", messages: hi }),
      signal: leaving.signal,
    }).then((r) => r.text());
    const staying = ollama.chat({ model: "tinyllama", messages: hi, stream: false });
    await fake.waitForRequest((r) => r.path === "/api/pull");
    await Bun.sleep(60);
    leaving.abort();
    await gone.catch(() => {});
    expect((await staying).message.content).toBe("You said: hi");
    expect(fake.requestsTo("/api/pull")).toHaveLength(1);
    expect(fake.requestsTo("/api/pull")[0]?.aborted).toBe(false);
  });

  test("the last waiter leaving stops the upstream pull after the grace period (0 here)", async () => {
    Object.assign(fake.behaviour, SLOW_PULL);
    const stream = await ollama.pull({ model: "mistral", stream: true });
    await (async () => {
      for await (const p of stream) if (p.completed) stream.abort(); // like Ctrl-C on `ollama pull`
    })().catch((e: Error) => expect(e.name).toBe("AbortError"));
    await eventually("the upstream pull to be cancelled", () => fake.requestsTo("/api/pull")[0]?.aborted);
    expect(proxy.composed.models.core.pulls.active()).toEqual([]);
    expect(proxy.composed.models.core.pulls.recentFailures()).toEqual([]);
    // Nothing was poisoned: the next request pulls again and succeeds.
    fake.behaviour.pullChunkDelayMs = 0;
    expect((await ollama.chat({ model: "mistral", messages: hi, stream: false })).message.content).toBe(
      "You said: hi",
    );
  });
});
