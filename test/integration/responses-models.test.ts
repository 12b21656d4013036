// /v1/responses with what the proxy adds around models: pull on demand with progress, aliases, the default
// model, keep-alive defaults, and the reasoning progress style.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { Settings } from "../../src/config/settings.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let openai: OpenAI;

const BASE: Partial<Settings> = {
  modelsCacheMs: 0,
  progressAfterMs: 30,
  progressEveryMs: 60,
  pullGraceMs: 0,
  modelAliases: { "gpt-5-codex": "qwen3:latest", small: "tinyllama" },
  defaultModel: "gpt-5-codex",
  keepAlive: "30m",
};

async function restart(settings: Partial<Settings> = {}) {
  await proxy?.stop();
  proxy = await startProxy({ upstreamUrl: fake.url, settings: { ...BASE, ...settings } });
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

const chatBodies = () => fake.requestsTo("/api/chat").map((r) => r.body as Record<string, unknown>);

describe("models for the Responses API", () => {
  test("an alias: the upstream sees the target, the client its own name; keep_alive filled in", async () => {
    const res = await openai.responses.create({ model: "gpt-5-codex", input: "hi" });
    expect(res.model).toBe("gpt-5-codex");
    expect(res.output_text).toBe("You said: hi");
    expect(chatBodies().map((b) => [b.model, b.keep_alive])).toEqual([["qwen3:latest", "30m"]]);
  });

  test("a request naming no model gets the default model", async () => {
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      body: JSON.stringify({ input: "hi" }),
    });
    const body = (await res.json()) as { model: string; status: string };
    expect([res.status, body.status, body.model]).toEqual([200, "completed", "qwen3:latest"]);
    await restart({ defaultModel: "" });
    const err = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      body: JSON.stringify({ input: "hi" }),
    });
    expect(err.status).toBe(400);
    expect(((await err.json()) as { error: { param: string } }).error.param).toBe("model");
  });

  test("a model that has to be pulled first: progress while it downloads, then the answer", async () => {
    fake.behaviour.pullChunkDelayMs = 40;
    const raw = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      body: JSON.stringify({ model: "small", input: "hi", stream: true }),
    });
    const text = await raw.text();
    expect(text).toMatch(/^: pulling tinyllama/m);
    expect(text.match(/event: response\.in_progress/g)?.length).toBeGreaterThanOrEqual(2);
    expect(fake.requestsTo("/api/pull").map((r) => r.body)).toEqual([{ model: "tinyllama", stream: true }]);
    const final = await openai.responses.stream({ model: "small", input: "again" }).finalResponse();
    expect([final.model, final.output_text]).toEqual(["small", "You said: again"]);
  });

  test("PROGRESS_OPENAI=reasoning: the pull shows as reasoning summary text in an item of its own", async () => {
    await restart({ progressOpenAI: "reasoning" });
    fake.behaviour.pullChunkDelayMs = 40;
    const stream = openai.responses.stream({ model: "mistral", input: "hi" });
    let summary = "";
    stream.on("response.reasoning_summary_text.delta", (e) => {
      summary += e.delta;
    });
    const final = await stream.finalResponse();
    expect(summary).toContain("pulling mistral");
    expect(final.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    const progress = final.output[0];
    expect(progress?.type === "reasoning" && progress.encrypted_content).toBeFalsy();
    expect(final.output_text).toBe("You said: hi");
  });

  test("a model the registry lacks: 404 in the Responses envelope, before any stream starts", async () => {
    const err = await openai.responses.create({ model: "ghost", input: "hi", stream: true }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toMatch(/model 'ghost' not found \(pull failed/);
  });
});
