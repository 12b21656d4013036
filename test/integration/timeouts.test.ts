// Silent phases (model load) are not cut by the proxy's connection timeouts; configured limits still apply.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy } from "../helpers/proxy.ts";

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

test.concurrent("control: with an upstream idle limit configured, the same silence is cut", async () => {
  const proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { idleTimeoutSeconds: 1, upstreamIdleTimeoutSeconds: 1, progressNative: "none" },
  });
  try {
    const outcome = await fetch(`${proxy.url}/api/tags`, slowTags).then(
      async (res) => `status ${res.status}: ${await res.text()}`,
      (err) => `network error: ${err}`,
    );
    expect(outcome).not.toContain("llama3.2:latest");
  } finally {
    await proxy.stop();
  }
}, 20_000);
