// Silent phases (model load) are not cut by the proxy's connection timeouts; configured limits still
// apply and say so; what Bun itself does with half-sent headers and idle keep-alive connections.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Ollama } from "ollama";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy } from "../helpers/proxy.ts";
import { rawClient, within } from "../helpers/raw-client.ts";

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(() => fake.stop());

// Bun's idle timer cuts silent GETs (a POST whose body was sent is left alone), so the silent
// request here is a listing the fake holds back.
const slowTags = { headers: { "x-fake-first-byte-delay-ms": "6000" } };

test.concurrent("a request silent for longer than the connection idle timeout is not cut", async () => {
  // idleTimeout 1 s stands in for Bun's 10 s default so the test stays fast. Bun checks idle sockets on
  // a coarse timer (a cut lands ~4 s after the limit), hence a 6 s silence.
  const proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { idleTimeoutSeconds: 1, progressNative: "none" },
  });
  try {
    const res = await fetch(`${proxy.url}/api/tags`, slowTags);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("llama3.2:latest");
  } finally {
    await proxy.stop();
  }
}, 20_000);

test.concurrent("control: with an upstream idle limit configured, the same silence is a 504 saying so", async () => {
  const proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { idleTimeoutSeconds: 1, upstreamIdleTimeoutSeconds: 1, progressNative: "none" },
  });
  try {
    // Bun's fetch checks its idle timer on a coarse tick: a 1 s limit fires after 4 to 8 s.
    const res = await fetch(`${proxy.url}/api/tags`, { headers: { "x-fake-first-byte-delay-ms": "12000" } });
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({
      error: `upstream Ollama at ${fake.url} sent nothing for 1 s (UPSTREAM_IDLE_TIMEOUT) and was given up on`,
    });
  } finally {
    await proxy.stop();
  }
}, 20_000);

test.concurrent("a stream the upstream idle limit cuts ends with an error line saying so", async () => {
  const proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { upstreamIdleTimeoutSeconds: 1, progressNative: "none" },
  });
  try {
    // The first chunk at once, the next one after a silence the limit does not allow.
    const ollama = new Ollama({ host: proxy.url, headers: { "x-fake-chunk-delay-ms": "12000" } });
    const stream = await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const part of stream) seen.push(part.message.content);
    })().then(
      () => null,
      (err: Error) => err.message,
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(failure).toBe(
      `upstream Ollama at ${fake.url} went silent mid-answer for longer than UPSTREAM_IDLE_TIMEOUT allows: the response was cut short`,
    );
  } finally {
    await proxy.stop();
  }
}, 20_000);

test.concurrent("headers: Bun closes a connection whose headers are not complete ~10 s after it opened", async () => {
  // Bun.serve has no header timeout of its own to configure: uWS arms a fixed 10 s timer when a
  // connection opens and only a complete request disarms it; header bytes trickling in do not
  // (IDLE_TIMEOUT does not apply yet). Its timers tick every 4 s, so the cut lands at about 12 s.
  const proxy = await startProxy({ upstreamUrl: fake.url });
  try {
    const { host } = new URL(proxy.url);
    const opened = performance.now();
    const client = await rawClient(proxy.url, `GET /api/tags HTTP/1.1\r\nHost: ${host}\r\n`);
    const trickle = setInterval(() => client.write("X-Slow: yes\r\n"), 1000);
    try {
      expect(await within(client.closed, 16_000)).not.toBe("still waiting");
    } finally {
      clearInterval(trickle);
    }
    const heldMs = performance.now() - opened;
    expect(heldMs).toBeGreaterThan(8000);
    // Closed without an answer: the request never reached the proxy.
    expect(client.received()).toBe("");
  } finally {
    await proxy.stop();
  }
}, 20_000);

test.concurrent("after a request, an idle keep-alive connection is closed after IDLE_TIMEOUT", async () => {
  // Bun keeps a request's own timeout (lifted to "never" by default) for the connection afterwards;
  // the proxy puts IDLE_TIMEOUT back when the answer is over, else the socket would be held forever.
  const proxy = await startProxy({ upstreamUrl: fake.url, settings: { idleTimeoutSeconds: 1 } });
  try {
    const { host } = new URL(proxy.url);
    const client = await rawClient(proxy.url, `GET /api/tags HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(await within(client.closed, 10_000)).not.toBe("still waiting");
    expect(client.status()).toBe(200);
  } finally {
    await proxy.stop();
  }
}, 20_000);
