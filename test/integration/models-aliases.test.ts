// Aliases and the default model, their listing, keep-alive defaults, warm-up and the status views.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import OpenAI from "openai";
import type { Settings } from "../../src/config/settings.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let ollama: Ollama;
let openai: OpenAI;

const hi = [{ role: "user" as const, content: "hi" }];
const ALIASES: Partial<Settings> = {
  modelsCacheMs: 0,
  modelAliases: { "gpt-4o-mini": "llama3.2", "gpt-4o": "qwen3:latest", small: "tinyllama" },
  defaultModel: "gpt-4o-mini",
};

async function restart(settings: Partial<Settings> = {}, start = false) {
  await proxy?.stop();
  proxy = await startProxy({ upstreamUrl: fake.url, settings: { ...ALIASES, ...settings }, start });
  ollama = new Ollama({ host: proxy.url });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "ollama", maxRetries: 0 });
}

/** The JSON body of the i-th upstream request to `path`. */
const bodyOf = (path: string, i: number) => (fake.requestsTo(path)[i]?.body ?? {}) as Record<string, unknown>;

beforeAll(() => {
  fake = startFakeOllama();
});
beforeEach(async () => {
  fake.reset();
  await restart();
});
afterEach(() => proxy.stop());
afterAll(() => fake.stop());

describe("aliases and the default model", () => {
  test("OpenAI-only tools name gpt-4o-mini; the upstream sees the target, the client its own name", async () => {
    const res = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: hi });
    expect(res.model).toBe("gpt-4o-mini");
    expect(res.choices[0]?.message.content).toBe("You said: hi");
    const native = await ollama.chat({ model: "gpt-4o", messages: hi, stream: false });
    expect(native.message.content).toBe("You said: hi");
    expect(fake.requestsTo("/api/chat").map((r) => (r.body as { model: string }).model)).toEqual([
      "llama3.2",
      "qwen3:latest",
    ]);
  });

  test("a request naming no model gets the default", async () => {
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ messages: hi, stream: false }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: { content: string } }).message.content).toBe("You said: hi");
    expect(bodyOf("/api/chat", 0).model).toBe("llama3.2");
  });

  test("an alias whose target is missing pulls the target", async () => {
    const res = await ollama.generate({ model: "small", prompt: "x", stream: false });
    expect(res.response).toBe("You said: x");
    expect(fake.requestsTo("/api/pull").map((r) => r.body)).toEqual([{ model: "tinyllama", stream: true }]);
  });

  test("show and embed understand aliases too (ollama run does /api/show first)", async () => {
    await restart({ modelAliases: { "gpt-4o-mini": "llama3.2", embedder: "nomic-embed-text" } });
    const show = await ollama.show({ model: "gpt-4o-mini" });
    expect(show.capabilities).toContain("completion");
    const embed = await ollama.embed({ model: "embedder", input: ["a", "b"] });
    expect(embed.embeddings).toHaveLength(2);
    expect(bodyOf("/api/embed", 0).model).toBe("nomic-embed-text");
  });
});

describe("listing", () => {
  test("/api/tags lists aliases marked alias_of, with the target's details", async () => {
    const { models } = await ollama.list();
    const names = models.map((m) => m.name);
    expect(names).toContain("llama3.2:latest");
    const alias = models.find((m) => m.name === "gpt-4o-mini:latest") as unknown as Record<string, unknown>;
    const target = models.find((m) => m.name === "llama3.2:latest");
    expect(alias).toMatchObject({ alias_of: "llama3.2:latest", digest: target?.digest, size: target?.size });
    // tinyllama is not installed but auto-pull may fetch it, so its alias is listed too.
    expect(models.find((m) => m.name === "small:latest")).toMatchObject({
      alias_of: "tinyllama:latest",
      size: 0,
    });
    const head = await fetch(`${proxy.url}/api/tags`, { method: "HEAD" });
    expect(head.status).toBe(200);
  });

  test("/v1/models lists the aliases by the ids OpenAI tools use", async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["llama3.2:latest", "gpt-4o-mini", "gpt-4o", "small"]));
    const one = await openai.models.retrieve("gpt-4o-mini");
    expect(one.owned_by).toBe("alias of llama3.2");
  });

  test("without aliases /api/tags is the upstream's own bytes", async () => {
    await restart({ modelAliases: {} });
    const direct = await (await fetch(`${fake.url}/api/tags`)).text();
    expect(await (await fetch(`${proxy.url}/api/tags`)).text()).toBe(direct);
  });
});

describe("keep-alive defaults", () => {
  test("OpenAI requests without one get the configured value; native requests are left alone", async () => {
    await restart({ keepAlive: "10m", modelKeepAlive: { "gpt-4o": -1 } });
    await openai.chat.completions.create({ model: "gpt-4o-mini", messages: hi });
    await openai.chat.completions.create({ model: "gpt-4o", messages: hi, stream: true }).then(async (s) => {
      for await (const _ of s) {
        // drain
      }
    });
    await ollama.chat({ model: "llama3.2", messages: hi, stream: false });
    const sent = fake.requestsTo("/api/chat").map((r) => (r.body as { keep_alive?: unknown }).keep_alive);
    expect(sent).toEqual(["10m", -1, undefined]);
    // An Ollama-specific extra field from the OpenAI client wins over the default.
    await openai.chat.completions.create({ model: "gpt-4o-mini", messages: hi, keep_alive: "1m" } as never);
    expect(bodyOf("/api/chat", 3).keep_alive).toBe("1m");
  });
});

describe("warm-up and status", () => {
  test("WARM_MODELS are pulled when missing and loaded at start, with their keep-alive", async () => {
    await restart({ warmModels: ["gpt-4o-mini", "tinyllama"], modelKeepAlive: { tinyllama: -1 } }, true);
    expect(fake.requestsTo("/api/generate").map((r) => r.body)).toEqual([
      { model: "llama3.2" },
      { model: "tinyllama", keep_alive: -1 },
    ]);
    expect([...fake.loaded].sort()).toEqual(["llama3.2:latest", "tinyllama:latest"]);
    expect(fake.requestsTo("/api/pull")).toHaveLength(1);
  });

  test("WARM_ON_PULL loads a model right after the proxy pulled it", async () => {
    await restart({ warmOnPull: true });
    await ollama.pull({ model: "phi3:mini" });
    await fake.waitForRequest((r) => r.path === "/api/generate" && r.body !== undefined);
    expect(fake.requestsTo("/api/generate")[0]?.body).toEqual({ model: "phi3:mini" });
  });

  test("GET /models and /health show present, loaded, pulling and failed models", async () => {
    await ollama.generate({ model: "llama3.2", prompt: "x" });
    await ollama.chat({ model: "ghost", messages: hi }).catch(() => {});
    fake.behaviour.pullChunkDelayMs = 50;
    const pulling = ollama.pull({ model: "mistral", stream: false });
    await fake.waitForRequest(
      (r) => r.path === "/api/pull" && (r.body as { name?: string } | undefined)?.name === "mistral",
    );
    await Bun.sleep(120);
    const status = (await (await fetch(`${proxy.url}/models`)).json()) as Record<string, unknown>;
    expect(status.autoPull).toBe(true);
    expect(status.defaultModel).toBe("gpt-4o-mini");
    expect(status.present).toContain("llama3.2:latest");
    expect(status.loaded).toEqual([expect.objectContaining({ name: "llama3.2:latest" })]);
    expect(status.pulling).toEqual([
      expect.objectContaining({ model: "mistral", percent: expect.any(Number), waiters: 1 }),
    ]);
    expect(status.failed).toEqual([
      expect.objectContaining({ model: "ghost", error: "pull model manifest: file does not exist" }),
    ]);
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { models: Record<string, unknown> };
    expect(health.models.present).toContain("llama3.2:latest");
    await pulling;
  });
});
