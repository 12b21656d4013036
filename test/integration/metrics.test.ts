// GET /metrics: request counts, durations, first-byte times and agent runs, in Prometheus text.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

const metric = (text: string, line: string) => {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

test("requests, streams, agents and unknown paths are counted without exploding label cardinality", async () => {
  const chat = (content: string) =>
    fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content }] }),
    }).then((r) => r.text());
  await chat("hello");
  await chat("/redact mail a@b.org");
  await fetch(`${proxy.url}/api/nope-${Math.random()}`).then((r) => r.text());
  await fetch(`${proxy.url}/api/tags`).then((r) => r.text());

  const res = await fetch(`${proxy.url}/metrics`);
  expect(res.headers.get("content-type")).toStartWith("text/plain");
  const text = await res.text();
  expect(metric(text, 'proxy_requests_total{route="/api/chat",method="POST",status="200"}')).toBe(2);
  expect(metric(text, 'proxy_requests_total{route="other",method="GET",status="404"}')).toBe(1);
  expect(metric(text, 'proxy_agent_runs_total{agent="redact",outcome="ok"}')).toBe(1);
  expect(metric(text, 'proxy_stream_first_byte_seconds_count{route="/api/chat"}')).toBe(2);
  expect(metric(text, 'proxy_request_duration_seconds_bucket{route="/api/tags",le="+Inf"}')).toBe(1);
  expect(metric(text, "proxy_requests_in_flight")).toBe(1); // this very request
  expect(text).not.toContain("nope-");
});
