// LLM metrics against the fake Ollama's exact counts and durations (set per request with x-fake-*
// knobs): tokens, time per output token, load time, time to first token and agent hook time.
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
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

/** The fake's final chunk says exactly this (Ollama's units: counts and nanoseconds). */
const knobs = (input: number, output: number) => ({
  "x-fake-prompt-eval-count": String(input),
  "x-fake-eval-count": String(output),
  "x-fake-load-duration": "2500000000",
  "x-fake-eval-duration": String(output * 40_000_000),
});

const metrics = async () => (await fetch(`${proxy.url}/metrics`)).text();
const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
const genAi = (model: string, type?: string) =>
  `gen_ai_operation_name="chat",gen_ai_provider_name="ollama",gen_ai_request_model="${model}"${type ? `,gen_ai_token_type="${type}"` : ""}`;

test("a streamed native chat with an agent chain: tokens, load, time per token and hook time per agent", async () => {
  const before = await metrics();
  const res = await fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: knobs(37, 11),
    body: JSON.stringify({
      model: "llama3.2",
      messages: [{ role: "user", content: "/concise /redact hi a@b.org" }],
    }),
  });
  expect(res.headers.get("x-agent-chain")).toBe("concise,redact");
  const lines = (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(lines.at(-1)).toMatchObject({ done: true, prompt_eval_count: 37, eval_count: 11 });
  const text = await metrics();
  const delta = (series: string) => (value(text, series) ?? 0) - (value(before, series) ?? 0);
  const model = lines.at(-1).model as string;
  expect(delta(`gen_ai_client_token_usage_sum{${genAi(model, "input")}}`)).toBe(37);
  expect(delta(`gen_ai_client_token_usage_sum{${genAi(model, "output")}}`)).toBe(11);
  expect(delta(`gen_ai_client_token_usage_count{${genAi(model, "output")}}`)).toBe(1);
  expect(delta(`proxy_model_load_seconds_sum{model="${model}"}`)).toBeCloseTo(2.5, 9);
  expect(delta(`gen_ai_server_time_per_output_token_seconds_sum{${genAi(model)}}`)).toBeCloseTo(0.04, 9);
  expect(delta(`gen_ai_server_time_to_first_token_seconds_count{${genAi(model)}}`)).toBe(1);
  expect(delta('proxy_agent_hook_seconds_count{agent="concise",hook="onRequest"}')).toBe(1);
  expect(delta('proxy_agent_hook_seconds_count{agent="redact",hook="transformResponse"}')).toBe(1);
  // The access line carries the same record.
  const line = proxy.logs.findLast((l) => l.msg === "request" && l.path === "/api/chat");
  expect(line).toMatchObject({ inputTokens: 37, outputTokens: 11, agents: ["concise", "redact"] });
  expect(typeof line?.ttftMs).toBe("number");
});

test("a streamed /v1 chat with an agent chain counts the same, with the real openai client", async () => {
  const before = await metrics();
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", defaultHeaders: knobs(21, 8) });
  const stream = await client.chat.completions.create({
    model: "llama3.2",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "/concise /redact hello there" }],
  });
  let usage: OpenAI.CompletionUsage | null | undefined;
  let model = "";
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    model = chunk.model;
  }
  expect(usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 8 });
  const text = await metrics();
  const delta = (series: string) => (value(text, series) ?? 0) - (value(before, series) ?? 0);
  const label = model;
  expect(delta(`gen_ai_client_token_usage_sum{${genAi(label, "input")}}`)).toBe(21);
  expect(delta(`gen_ai_client_token_usage_sum{${genAi(label, "output")}}`)).toBe(8);
  expect(delta(`gen_ai_server_time_to_first_token_seconds_count{${genAi(label)}}`)).toBe(1);
  expect(delta('proxy_agent_hook_seconds_count{agent="redact",hook="transformResponse"}')).toBe(1);
});

test("the fast path (bytes relayed unread) still finds the counts, streamed and as one object", async () => {
  const before = await metrics();
  const chat = (stream: boolean, input: number, output: number) =>
    fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: knobs(input, output),
      body: JSON.stringify({ model: "llama3.2", stream, messages: [{ role: "user", content: "hi" }] }),
    }).then((r) => r.text());
  const streamed = (await chat(true, 5, 7)).trim().split("\n").at(-1) as string;
  const single = JSON.parse(await chat(false, 100, 3));
  expect(single).toMatchObject({ prompt_eval_count: 100, eval_count: 3 });
  const model = JSON.parse(streamed).model as string;
  const text = await metrics();
  const delta = (series: string) => (value(text, series) ?? 0) - (value(before, series) ?? 0);
  expect(delta(`gen_ai_client_token_usage_sum{${genAi(model, "input")}}`)).toBe(105);
  expect(delta(`gen_ai_client_token_usage_sum{${genAi(model, "output")}}`)).toBe(10);
  // Only the streamed answer has a first token to time.
  expect(delta(`gen_ai_server_time_to_first_token_seconds_count{${genAi(model)}}`)).toBe(1);
});

test("model labels are capped: made-up names beyond the cap are counted as other", async () => {
  const { LabelCap } = await import("../../src/metrics/label-cap.ts");
  const cap = new LabelCap(2);
  expect([cap.value("a"), cap.value('b"\n'), cap.value("c"), cap.value("a")]).toEqual([
    "a",
    'b\\"\\n',
    "other",
    "a",
  ]);
});

test("a one-object answer that breaks off mid-body (read for its counts) is a 502 in Ollama's shape", async () => {
  const broken = await startProxy({
    upstreamUrl: fake.url,
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith("/api/chat")) return res;
      const head = new TextEncoder().encode('{"model":"llama3.2","message":{"role":"assi');
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(head);
          c.error(new Error("socket closed"));
        },
      });
      return new Response(body, { status: 200, headers: res.headers });
    },
  });
  try {
    const res = await fetch(`${broken.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2", stream: false, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toContain("upstream");
    const line = broken.logs.findLast((l) => l.msg === "request" && l.path === "/api/chat");
    expect(line?.outcome).toBe("upstream_error");
  } finally {
    await broken.stop();
  }
});
