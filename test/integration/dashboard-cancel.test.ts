// Cancel from the dashboard (POST /ui/requests/:id/cancel): the request's upstream call is aborted and
// its client, still there, is told in its own dialect, mid-stream or before the answer; nobody else can.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { rightFor } from "../../src/auth/routes-policy.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
beforeAll(async () => {
  fake = startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url, waitForAgents: false });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

const cancel = (id: string, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}/ui/requests/${id}/cancel`, { method: "POST", headers });
const slowChunks = { "x-fake-chunks": "40", "x-fake-chunk-delay-ms": "100" };
const lastChat = () => fake.requestsTo("/api/chat").at(-1);

describe("cancel a running request", () => {
  test("a native stream ends with Ollama's error line naming the cancel, and the upstream call is aborted", async () => {
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: { "x-request-id": "native-1", ...slowChunks },
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "count slowly" }] }),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const answer = await cancel("native-1");
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ cancelled: "native-1" });
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const lines = text.trim().split("\n");
    expect(JSON.parse(lines.at(-1) ?? "")).toEqual({
      error: "the request native-1 was cancelled from the dashboard",
    });
    expect(text).not.toContain('"done":true');
    await eventually("the upstream chat aborted", () => lastChat()?.aborted);
    const line = await eventually("its access line", () =>
      accessLines(proxy).find((l) => l.requestId === "native-1"),
    );
    expect(line).toMatchObject({ status: 200, outcome: "error" });
    expect(String(line.error)).toContain("cancelled from the dashboard");
  });

  test("an openai stream raises the cancel as an error in the SDK", async () => {
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "none", maxRetries: 2 });
    const stream = await client.chat.completions.create(
      { model: "llama3.2", messages: [{ role: "user", content: "count slowly" }], stream: true },
      { headers: { "x-request-id": "openai-1", ...slowChunks } },
    );
    let chunks = 0;
    const failure = await (async () => {
      for await (const _ of stream) {
        if (++chunks === 1) expect((await cancel("openai-1")).status).toBe(200);
      }
    })().then(
      () => null,
      (e: Error) => e,
    );
    expect(failure?.message).toContain("the request openai-1 was cancelled from the dashboard");
    expect(chunks).toBeLessThan(40);
  });

  test("an anthropic stream ends with Anthropic's error event, which the SDK raises", async () => {
    const client = new Anthropic({ baseURL: proxy.url, apiKey: "none", maxRetries: 0 });
    const stream = client.messages.stream(
      { model: "llama3.2", max_tokens: 100, messages: [{ role: "user", content: "count slowly" }] },
      { headers: { "x-request-id": "anthropic-1", ...slowChunks } },
    );
    let events = 0;
    stream.on("streamEvent", () => {
      if (++events === 3) void cancel("anthropic-1");
    });
    const failure = await stream.finalMessage().then(
      () => null,
      (e: Error) => e,
    );
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    // Before this, the frame was OpenAI's shape there, and the SDK took the stream for finished.
    expect(failure?.message).toContain("the request anthropic-1 was cancelled from the dashboard");
  });

  test("before the answer: the client gets a 400 in its dialect, which no SDK retries", async () => {
    const before = fake.requestsTo("/api/chat").length;
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "none", maxRetries: 2 });
    const asked = client.chat.completions
      .create(
        { model: "llama3.2", messages: [{ role: "user", content: "think long" }] },
        { headers: { "x-request-id": "openai-2", "x-fake-first-byte-delay-ms": "5000" } },
      )
      .then(
        () => null,
        (e: { status?: number; message: string }) => e,
      );
    await fake.waitForRequest((r) => r.path === "/api/chat" && fake.requestsTo("/api/chat").length > before);
    expect((await cancel("openai-2")).status).toBe(200);
    const failure = await asked;
    expect(failure?.status).toBe(400);
    expect(failure?.message).toContain("the request openai-2 was cancelled from the dashboard");
    await eventually("the upstream chat aborted", () => lastChat()?.aborted);
    // Not tried again: the upstream saw the one request.
    await Bun.sleep(50);
    expect(fake.requestsTo("/api/chat").length).toBe(before + 1);

    const native = fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: { "x-request-id": "native-2", "x-fake-first-byte-delay-ms": "5000" },
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "x" }], stream: false }),
    });
    await fake.waitForRequest(
      (r) => r.path === "/api/chat" && fake.requestsTo("/api/chat").length > before + 1,
    );
    await cancel("native-2");
    const res = await native;
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "the request native-2 was cancelled from the dashboard" });
  });

  test("an id that is not running is a 404; another site's page cannot cancel (the Origin rules); the proxy keeps serving", async () => {
    const gone = await cancel("no-such-request");
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: string }).error).toContain(
      "no request no-such-request is running",
    );
    const before = fake.requestsTo("/api/chat").length;
    const res = fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: { "x-request-id": "kept-1", ...slowChunks, "x-fake-chunks": "5" },
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "x" }] }),
    });
    await eventually("the chat upstream", () => fake.requestsTo("/api/chat").length > before);
    const forged = await cancel("kept-1", { origin: "https://evil.example", "content-type": "text/plain" });
    expect(forged.status).toBe(403);
    const text = await (await res).text();
    expect(text).toContain('"done":true');
    expect(text).not.toContain("error");
  });

  test("with AUTH=keys only an admin key may cancel; the page itself still needs none", () => {
    expect(rightFor("POST", "/ui/requests/abc/cancel")).toBe("admin");
    expect(rightFor("GET", "/ui")).toBe("none");
    expect(rightFor("HEAD", "/ui/assets/chunk-1.js")).toBe("none");
  });
});
