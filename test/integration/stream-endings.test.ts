// A native stream the upstream ends without its last line never looks finished: the same error line
// on the fast path (bytes relayed unread) as on the parsed paths, for the official client too.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";
import { ndjsonLines } from "../helpers/streams.ts";

let fake: FakeOllama;
let proxy: TestProxy;
beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url, settings: { progressNative: "none" } });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

const endsEarly = { "x-fake-end-after-chunks": "2" };
const chat = (content: string) =>
  JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content }], stream: true });

function post(path: string, body: string, headers: Record<string, string> = endsEarly) {
  return fetch(`${proxy.url}${path}`, { method: "POST", body, headers });
}

describe("ended without the final message", () => {
  test("fast path /api/chat: the chunks that came, then Ollama's error line saying so", async () => {
    const res = await post("/api/chat", chat("hello there"));
    expect(res.status).toBe(200);
    const lines = await ndjsonLines(res);
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).every((l) => l.done === false)).toBe(true);
    expect(lines[2]).toEqual({
      error: `upstream Ollama at ${fake.url} ended the stream without a final message`,
    });
    const line = await eventually("access line", () =>
      accessLines(proxy).find((l) => l.path === "/api/chat" && l.outcome !== "ok"),
    );
    expect(line).toMatchObject({ status: 200, outcome: "upstream_error" });
  });

  test("fast path /api/generate, through the ollama client: it raises the proxy's message", async () => {
    const ollama = new Ollama({ host: proxy.url, headers: endsEarly });
    const stream = await ollama.generate({ model: "llama3.2", prompt: "hello there", stream: true });
    const failure = await (async () => {
      for await (const _ of stream) {
      }
    })().then(
      () => "finished",
      (err: Error) => err.message,
    );
    expect(failure).toBe(`upstream Ollama at ${fake.url} ended the stream without a final message`);
  });

  test("the parsed path (an agent reads every chunk) ends with the very same line", async () => {
    const fast = (await ndjsonLines(await post("/api/chat", chat("hello there")))).at(-1);
    const parsed = await ndjsonLines(await post("/api/chat", chat("/redact hello there")));
    expect(parsed.at(-1)).toEqual(fast as Record<string, unknown>);
  });

  test("passthrough /api/create without its success line", async () => {
    const res = await post("/api/create", JSON.stringify({ model: "mine", from: "llama3.2" }), {
      "x-fake-end-after-chunks": "1",
    });
    const lines = await ndjsonLines(res);
    expect(lines.at(-1)).toEqual({
      error: `upstream Ollama at ${fake.url} ended the stream without a final message`,
    });
    expect(lines.some((l) => l.status === "success")).toBe(false);
  });

  test("complete streams are relayed as they are: nothing added", async () => {
    const res = await post("/api/chat", chat("hello there"), {});
    const lines = await ndjsonLines(res);
    expect(lines.at(-1)?.done).toBe(true);
    expect(lines.some((l) => "error" in l)).toBe(false);
    const created = await ndjsonLines(
      await post("/api/create", JSON.stringify({ model: "mine2", from: "llama3.2" }), {}),
    );
    expect(created.at(-1)).toEqual({ status: "success" });
  });
});
