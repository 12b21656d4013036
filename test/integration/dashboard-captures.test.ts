// Request captures for the dashboard (CAPTURE_BODIES): off by default; when on, each request with a body
// keeps its bodies, cut at a limit, secrets redacted, in a buffer bounded in bytes (oldest out first).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rightFor } from "../../src/auth/routes-policy.ts";
import type { Capture } from "../../src/wire/capture.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let off: TestProxy;
let on: TestProxy;
beforeAll(async () => {
  fake = startFakeOllama();
  [off, on] = await Promise.all([
    startProxy({ upstreamUrl: fake.url, waitForAgents: false }),
    startProxy({
      upstreamUrl: fake.url,
      waitForAgents: false,
      settings: { captureBodies: true, captureBodyBytes: 256, captureBufferBytes: 65_536 },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([off.stop(), on.stop()]);
  await fake.stop();
});

const chat = (
  proxy: TestProxy,
  id: string,
  content: string,
  extra: Record<string, unknown> = {},
  headers = {},
) =>
  fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { "x-request-id": id, ...headers },
    body: JSON.stringify({
      model: "llama3.2",
      messages: [{ role: "user", content }],
      stream: false,
      ...extra,
    }),
  }).then((r) => r.text());
const captureOf = async (proxy: TestProxy, id: string) => {
  const res = await fetch(`${proxy.url}/ui/captures/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { enabled: boolean; capture: Capture | null };
};

describe("captures", () => {
  test("off by default: nothing is kept, and the route says they are off", async () => {
    await chat(off, "off-1", "hello");
    expect(await captureOf(off, "off-1")).toEqual({ enabled: false, capture: null });
  });

  test("on: both bodies, cut at the limit, with auth headers and credentials in URLs redacted", async () => {
    const secretText = "see https://bob:hunter2@example.com/x?token=abc123&q=1 please";
    await chat(
      on,
      "on-1",
      secretText + " pad".repeat(100),
      {},
      {
        authorization: "Bearer sk-very-secret-token",
        "x-api-key": "k-secret-value",
      },
    );
    const capture = (await captureOf(on, "on-1")).capture as Capture;
    const all = JSON.stringify(capture);
    for (const secret of ["sk-very-secret-token", "k-secret-value", "hunter2", "abc123"]) {
      expect(all).not.toContain(secret);
    }
    expect(capture.requestHeaders.authorization).toBe("[redacted]");
    expect(capture.requestHeaders["x-api-key"]).toBe("[redacted]");
    expect(capture.requestBody).toContain("https://[redacted]@example.com/x?token=[redacted]&q=1");
    expect(new TextEncoder().encode(capture.requestBody).byteLength).toBeLessThanOrEqual(256);
    expect(capture.requestBytes).toBeGreaterThan(400);
    expect(capture.truncated).toBe(true);
    expect(capture).toMatchObject({ method: "POST", status: 200 });
    // Ollama's answer as the client got it (its start, within the limit).
    expect(capture.responseBody).toStartWith('{"model":"llama3.2');
    expect(capture.responseBytes).toBeGreaterThan(0);
  });

  test("a stream's capture is complete once the stream is; reads are not captured", async () => {
    const text = await fetch(`${on.url}/api/chat`, {
      method: "POST",
      headers: { "x-request-id": "stream-1", "x-fake-chunks": "3" },
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "a b c" }] }),
    }).then((r) => r.text());
    const capture = await eventually("the stream's capture", async () => {
      const c = (await captureOf(on, "stream-1")).capture;
      return c && c.responseBytes > 0 ? c : undefined;
    });
    // Every line counted; the first 256 bytes of them kept.
    expect(capture.responseBytes).toBe(new TextEncoder().encode(text).byteLength);
    expect(capture.responseBytes).toBeGreaterThan(256);
    expect(capture.truncated).toBe(true);
    expect(capture.responseBody.length).toBe(256);
    expect(text.startsWith(capture.responseBody)).toBe(true);
    await fetch(`${on.url}/api/tags`, { headers: { "x-request-id": "read-1" } }).then((r) => r.text());
    expect(await captureOf(on, "read-1")).toEqual({ enabled: true, capture: null });
  });

  test("the buffer is bounded in bytes: the oldest captures are let go first", async () => {
    for (let i = 0; i < 120; i++) await chat(on, `ring-${i}`, "x".repeat(600));
    expect((await captureOf(on, "ring-0")).capture).toBeNull();
    expect((await captureOf(on, "ring-119")).capture?.requestBody).toContain("xxx");
    const kept = on.composed.captures;
    expect(kept.bytes).toBeLessThanOrEqual(65_536);
    expect(kept.size).toBeGreaterThan(20);
  });

  test("with AUTH=keys captures need an admin key", () => {
    expect(rightFor("GET", "/ui/captures/abc")).toBe("admin");
  });
});
