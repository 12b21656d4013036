// The real ollama client, unchanged, through the proxy as users run it: every call it has.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { Ollama } from "ollama";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let ollama: Ollama;
beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url });
  ollama = new Ollama({ host: proxy.url });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

test("version, list, ps, show", async () => {
  expect((await ollama.version()).version).toBe("0.12.6");
  expect((await ollama.list()).models.map((m) => m.name)).toContain("llama3.2:latest");
  await ollama.generate({ model: "llama3.2", prompt: "" });
  expect((await ollama.ps()).models.map((m) => m.name)).toContain("llama3.2:latest");
  expect((await ollama.show({ model: "llama3.2" })).details.family).toBeTruthy();
});

test("chat and generate, streaming and not", async () => {
  expect(
    (await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] })).message.content,
  ).toBe("You said: hi");
  let text = "";
  for await (const part of await ollama.generate({ model: "llama3.2", prompt: "yo", stream: true }))
    text += part.response;
  expect(text).toBe("You said: yo");
});

test("pull with progress, then create, copy, push and delete", async () => {
  const statuses: string[] = [];
  for await (const p of await ollama.pull({ model: "tinyllama", stream: true })) statuses.push(p.status);
  expect(statuses.at(-1)).toBe("success");
  const created = await ollama.create({ model: "my-model", from: "tinyllama" });
  expect(created.status).toBe("success");
  await ollama.copy({ source: "my-model", destination: "my-copy" });
  const pushed = await ollama.push({ model: "my-copy" });
  expect(pushed.status).toBe("success");
  await ollama.delete({ model: "my-copy" });
  expect((await ollama.list()).models.map((m) => m.name)).not.toContain("my-copy:latest");
});

test("embed and the legacy embeddings", async () => {
  const embed = await ollama.embed({ model: "nomic-embed-text", input: ["a", "b"] });
  expect(embed.embeddings).toHaveLength(2);
  const legacy = await ollama.embeddings({ model: "nomic-embed-text", prompt: "a" });
  expect(legacy.embedding.length).toBeGreaterThan(0);
});

test("abort() stops a stream and the upstream request", async () => {
  const client = new Ollama({ host: proxy.url, headers: { "x-fake-chunk-delay-ms": "200" } });
  const stream = await client.chat({
    model: "llama3.2",
    messages: [{ role: "user", content: "a b c d e" }],
    stream: true,
  });
  const err = await (async () => {
    for await (const _ of stream) client.abort();
  })().catch((e) => e);
  expect(err?.name).toBe("AbortError");
  const seen = await fake.waitForRequest((r) => r.path === "/api/chat" && r.aborted, 1000);
  expect(seen.aborted).toBe(true);
});

test("an agent command works through the composed proxy", async () => {
  const res = await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "/example hi" }] });
  expect(res.message.content).toContain("— example agent");
});
