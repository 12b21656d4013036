// Fuzzes whole requests through the composed app against the fake Ollama, with a fixed seed: random
// and broken bodies on every route that parses one get an answer below 500 unless the upstream itself
// answered 5xx, every body reads to its end, nothing escapes as an unhandled error, and the proxy serves on.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { bodyFor } from "../helpers/fuzz-inputs.ts";
import { createPrng, fuzzSeed } from "../helpers/prng.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

const SEED = fuzzSeed(0xf022);
const ROUTES = [
  "/api/chat",
  "/api/generate",
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/api/show",
  "/api/pull",
  "/v1/messages",
  "/v1/responses",
];
const CONTENT_TYPES = [undefined, "application/json", "text/plain", "application/x-www-form-urlencoded"];

let fake: FakeOllama;
let proxy: TestProxy;
/** Upstream answers of 500 or more so far: a 5xx the proxy relays is Ollama's, not the proxy's. */
let upstream5xx = 0;

beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    // A refused pull is asked again at once, so every input meets the same rules.
    settings: { pullRetryAfterMs: 0, accessLog: false },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (res.status >= 500) upstream5xx++;
      return res;
    },
  });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

test(`fuzzed requests on ${ROUTES.length} routes (seed ${SEED}): no 5xx of the proxy's own`, async () => {
  const rng = createPrng(SEED);
  const statuses = new Map<number, number>();
  for (let i = 0; i < 1200; i++) {
    const route = rng.pick(ROUTES);
    const body = bodyFor(rng, route);
    const contentType = rng.pick(CONTENT_TYPES);
    const before = upstream5xx;
    const pullsBefore = fake.requestsTo("/api/pull").length;
    const what = () =>
      `seed ${SEED}, input #${i}: POST ${route} ${JSON.stringify(body.length > 300 ? `${body.slice(0, 300)}…` : body)}`;
    const res = await proxy.composed.app.request(route, {
      method: "POST",
      body,
      headers: contentType ? { "content-type": contentType } : {},
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text().catch((err) => `body failed: ${err}`);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    // Ollama answers a failed pull with 500 (its stream said why); the proxy gives the same status.
    const upstreamFailed = upstream5xx > before || fake.requestsTo("/api/pull").length > pullsBefore;
    if (res.status >= 500 && !upstreamFailed) throw new Error(`${what()} → ${res.status} ${text}`);
    if (text.includes("internal proxy error") || text.startsWith("body failed"))
      throw new Error(`${what()} → ${res.status} ${text}`);
  }
  expect(proxy.logs.filter((l) => l.msg === "unhandled error")).toEqual([]);
  // The inputs reach past the first check: both refusals and answers are common.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
  const ok = await proxy.composed.app.request("/api/chat", {
    method: "POST",
    body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "hi" }], stream: false }),
  });
  expect(ok.status).toBe(200);
});
