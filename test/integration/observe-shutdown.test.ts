// Spans still queued when the proxy stops: a real process gets SIGTERM right after a request and
// sends them to the collector before it exits; a collector that hangs cannot hold the exit past the grace.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import { spawnProxy } from "../helpers/spawn-proxy.ts";

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.stop();
});

const chat = (url: string) =>
  fetch(`${url}/api/chat`, {
    method: "POST",
    body: JSON.stringify({ model: "llama3.2", stream: false, messages: [{ role: "user", content: "hi" }] }),
  });

test("SIGTERM right after a request: its spans reach the collector before the process exits", async () => {
  const receiver = startOtlpReceiver();
  try {
    // The batch waits a second before sending (the default): only the stop can send these in time.
    const proxy = await spawnProxy({
      args: ["--port", "0", "--ollama-url", fake.url, "--otel-endpoint", receiver.url],
    });
    const res = await chat(proxy.url);
    expect(res.status).toBe(200);
    await res.text();
    proxy.proc.kill("SIGTERM");
    expect(await proxy.proc.exited).toBe(0);
    const server = receiver.spans.find((s) => s.kind === 2 && s.name === "POST /api/chat");
    expect(server).toBeDefined();
    const call = receiver.spans.find((s) => s.kind === 3 && s.parentSpanId === server?.spanId);
    expect(call?.attributes["gen_ai.request.model"]).toBe("llama3.2");
  } finally {
    await receiver.stop();
  }
});

test("a collector that hangs: the stop still ends within the grace period, exit 0", async () => {
  const receiver = startOtlpReceiver({ hang: true });
  try {
    const proxy = await spawnProxy({
      args: [
        "--port",
        "0",
        "--ollama-url",
        fake.url,
        "--otel-endpoint",
        receiver.url,
        "--shutdown-grace",
        "1",
      ],
    });
    const res = await chat(proxy.url);
    expect(res.status).toBe(200);
    await res.text();
    const stoppedAt = performance.now();
    proxy.proc.kill("SIGTERM");
    expect(await proxy.proc.exited).toBe(0);
    // The export itself may wait 10 s (OTLP's timeout); the grace period (1 s) is what bounds the exit.
    expect(performance.now() - stoppedAt).toBeLessThan(4000);
    expect(receiver.posts).toBeGreaterThan(0);
    expect(
      proxy.lines.some((l) => l.msg === "stopping: cleanup did not finish within the grace period"),
    ).toBe(true);
  } finally {
    await receiver.stop();
  }
});
