// Conformance of the fake Ollama's /v1/messages with Ollama's own (middleware/anthropic.go): the
// tests compare the proxy with it, so its quirks must be Ollama's.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventNames, parseSse } from "../helpers/sse.ts";

let fake: FakeOllama;

beforeAll(() => {
  fake = startFakeOllama();
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

const hi = [{ role: "user", content: "hi <there>" }];
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}/v1/messages`, { method: "POST", body: JSON.stringify(body), headers });

describe("fake /v1/messages", () => {
  test("a one-shot answer: Go's JSON (HTML-escaped, newline-terminated), no stop_sequence field", async () => {
    const res = await post({ model: "llama3.2", max_tokens: 32, messages: hi });
    expect(res.headers.get("content-type")).toBe("application/json");
    const text = await res.text();
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain("You said: hi \\u003cthere\\u003e");
    const body = JSON.parse(text);
    expect(body.id).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(body.stop_reason).toBe("end_turn");
    expect("stop_sequence" in body).toBe(false);
    expect(fake.requestsTo("/v1/messages")[0]?.body).toMatchObject({ model: "llama3.2" });
  });

  test("Ollama's own 400s, in its envelope with a req_ id", async () => {
    const res = await post({ model: "llama3.2", messages: hi });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { request_id: string };
    expect(body).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens is required and must be positive" },
    });
    expect(body.request_id).toMatch(/^req_[0-9a-f]{24}$/);
  });

  test("relaxed thinking: thinking enabled on a model that cannot think is answered, not refused", async () => {
    const res = await post({
      model: "llama3.2",
      max_tokens: 8,
      messages: hi,
      thinking: { type: "enabled", budget_tokens: 1024 },
    });
    expect(res.status).toBe(200);
    const native = await fetch(`${fake.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2", messages: hi, think: true }),
    });
    expect(native.status).toBe(400);
  });

  test("an in-band failure after the first chunk is dropped: the stream just ends, with no error event", async () => {
    const res = await post(
      { model: "llama3.2", max_tokens: 32, messages: [{ role: "user", content: "a b c d" }], stream: true },
      { "x-fake-fail-after-chunks": "2" },
    );
    expect(res.status).toBe(200);
    expect(eventNames(parseSse(await res.text()))).toBe(
      "message_start content_block_start content_block_delta content_block_delta",
    );
  });
});
