// POST /v1/responses through the proxy, with the real openai client and raw SSE, compared with what Ollama's own
// /v1/responses (the fake, following Ollama's source) answers.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let openai: OpenAI;
let ollamaItself: OpenAI;

beforeAll(async () => {
  fake = startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { progressAfterMs: 100, progressEveryMs: 100 },
  });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "ollama", maxRetries: 0 });
  ollamaItself = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: "ollama", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

const client = (headers: Record<string, string>) =>
  new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "ollama", maxRetries: 0, defaultHeaders: headers });
const lastChat = () => fake.requestsTo("/api/chat").at(-1)?.body as Record<string, unknown>;
const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/responses`, { method: "POST", body: JSON.stringify(body), headers });

type Event = { type: string; sequence_number: number; delta?: string } & Record<string, unknown>;

/** The `event:`/`data:` pairs of a Responses stream (comments skipped), checking the framing. */
function parseEvents(text: string): Event[] {
  return text
    .split("\n\n")
    .filter((block) => block && !block.startsWith(":"))
    .map((block) => {
      const [name, data] = block.split("\n");
      const payload = JSON.parse(data?.slice("data: ".length) ?? "") as Event;
      expect(name).toBe(`event: ${payload.type}`);
      return payload;
    });
}

const lookup: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "lookup",
  parameters: { type: "object", required: ["q"], properties: { q: { type: "string" } } },
  strict: false,
};

describe("the Responses API through the proxy", () => {
  test("responses.create: the same answer and usage as Ollama's own /v1/responses, model echoed", async () => {
    const ours = await openai.responses.create({
      model: "llama3.2",
      input: "hello",
      instructions: "Be brief.",
    });
    const theirs = await ollamaItself.responses.create({
      model: "llama3.2",
      input: "hello",
      instructions: "Be brief.",
    });
    expect(ours.output_text).toBe("You said: hello");
    expect(ours.output_text).toBe(theirs.output_text);
    expect(ours.usage).toEqual(theirs.usage as OpenAI.Responses.ResponseUsage);
    expect(ours.output.map((o) => o.type)).toEqual(theirs.output.map((o) => o.type));
    expect([ours.model, ours.status, ours.instructions]).toEqual(["llama3.2", "completed", "Be brief."]);
    expect(ours.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(lastChat().messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hello" },
    ]);
  });

  test("streamed text: the same event sequence as Ollama's, in event/data framing, sequence numbers 0..n", async () => {
    const ours = await post(proxy.url, { model: "llama3.2", input: "a b", stream: true });
    const theirs = await post(fake.url, { model: "llama3.2", input: "a b", stream: true });
    expect(ours.headers.get("content-type")).toBe("text/event-stream");
    const events = parseEvents(await ours.text());
    expect(events.map((e) => e.type)).toEqual(parseEvents(await theirs.text()).map((e) => e.type));
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.flatMap((e) => (e.delta ? [e.delta] : [])).join("")).toBe("You said: a b");
  });

  test("reasoning: summary parts the stream helper needs (Ollama's own stream trips it), effort sent as think", async () => {
    const stream = openai.responses.stream({ model: "qwen3", input: "hi", reasoning: { effort: "low" } });
    const summary: string[] = [];
    stream.on("response.reasoning_summary_text.delta", (e) => summary.push(e.delta));
    const final = await stream.finalResponse();
    expect(summary.join("")).toBe("Let me think about it.");
    expect(final.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(final.output_text).toBe("You said: hi");
    expect(lastChat().think).toBe("low");
    const theirs = await ollamaItself.responses
      .stream({ model: "qwen3", input: "hi" })
      .finalResponse()
      .catch((e) => e);
    expect(String(theirs)).toContain("missing content at index 0");
  });

  test("a tool round trip: function_call out, function_call_output back, the answer in text", async () => {
    const first = await openai.responses.create({ model: "llama3.2", input: "find x", tools: [lookup] });
    const call = first.output.find((o) => o.type === "function_call");
    expect(call?.type === "function_call" && [call.name, JSON.parse(call.arguments)]).toEqual([
      "lookup",
      { q: "test" },
    ]);
    if (call?.type !== "function_call") throw new Error("no call");
    expect(call.call_id).toMatch(/^call_/);
    expect(call.id).toMatch(/^fc_/);
    const stream = openai.responses.stream({
      model: "llama3.2",
      tools: [lookup],
      input: [
        { role: "user", content: "find x" },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: "function_call_output", call_id: call.call_id, output: "x is 42" },
      ],
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("You said: find x");
    expect((lastChat().messages as unknown[]).slice(1)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: call.call_id, function: { name: "lookup", arguments: { q: "test" } } }],
      },
      { role: "tool", content: "x is 42", tool_call_id: call.call_id, tool_name: "lookup" },
    ]);
  });

  test("streamed tool calls: the argument events, the call in the final response", async () => {
    const stream = openai.responses.stream({ model: "llama3.2", input: "find x", tools: [lookup] });
    const done: string[] = [];
    stream.on("response.function_call_arguments.done", (e) => done.push(e.arguments));
    const final = await stream.finalResponse();
    expect(done).toEqual(['{"q":"test"}']);
    expect(final.output.map((o) => o.type)).toEqual(["function_call"]);
  });

  test("max_output_tokens cuts the answer: incomplete, with the reason (Ollama would say completed)", async () => {
    const res = await openai.responses.create({
      model: "llama3.2",
      input: "a b c d e",
      max_output_tokens: 2,
    });
    expect([res.status, res.incomplete_details?.reason, res.output_text]).toEqual([
      "incomplete",
      "max_output_tokens",
      "You said:",
    ]);
    expect((lastChat().options as Record<string, unknown>).num_predict).toBe(2);
  });

  test("compressed bodies: an unknown encoding is a 415, a body too large once decompressed a 413", async () => {
    const send = (encoding: string, body: Uint8Array) =>
      fetch(`${proxy.url}/v1/responses`, { method: "POST", headers: { "content-encoding": encoding }, body });
    const json = new TextEncoder().encode(JSON.stringify({ model: "llama3.2", input: "g" }));
    expect((await send("gzip", Bun.gzipSync(json))).status).toBe(200);
    const br = await send("br", json);
    expect(br.status).toBe(415);
    expect(((await br.json()) as { error: { message: string } }).error.message).toContain("'br'");
    const bomb = await send("zstd", Bun.zstdCompressSync(new Uint8Array(21 << 20)));
    expect(bomb.status).toBe(413);
    expect(fake.requestsTo("/api/chat")).toHaveLength(1);
  });

  test("a zstd-compressed body, as Codex sends it, is read", async () => {
    const body = Bun.zstdCompressSync(
      new TextEncoder().encode(JSON.stringify({ model: "llama3.2", input: "z" })),
    );
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-encoding": "zstd", "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { output: Array<{ content: Array<{ text: string }> }> }).output[0]?.content[0]
        ?.text,
    ).toBe("You said: z");
  });
});

describe("streaming behaviour", () => {
  test("the first delta arrives while the upstream is still answering; a client that leaves cancels it", async () => {
    const res = await post(
      proxy.url,
      { model: "llama3.2", input: "one two three four five six", stream: true },
      { "x-fake-chunk-delay-ms": "150" },
    );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes("response.output_text.delta")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended before the first delta");
      text += new TextDecoder().decode(value);
    }
    const upstream = fake.requestsTo("/api/chat").at(-1);
    expect(upstream?.endedAt).toBeUndefined();
    await reader.cancel();
    await eventually(
      "the upstream request to be aborted",
      () => fake.requestsTo("/api/chat").at(-1)?.aborted,
    );
  });

  test("a slow load: response.in_progress events and SSE comments while waiting, then the answer", async () => {
    const slow = { "x-fake-first-byte-delay-ms": "350" };
    const text = await (await post(proxy.url, { model: "llama3.2", input: "hi", stream: true }, slow)).text();
    expect(text).toMatch(/^: waiting for llama3\.2 to load \(\ds\)$/m);
    const types = parseEvents(text).map((e) => e.type);
    expect(types.filter((t) => t === "response.in_progress").length).toBeGreaterThanOrEqual(2);
    expect(types.at(-1)).toBe("response.completed");
    const final = await client(slow).responses.stream({ model: "llama3.2", input: "hi" }).finalResponse();
    expect(final.output_text).toBe("You said: hi");
  });

  test("/redact masks the streamed answer; the command never reaches the model; the chain is reported", async () => {
    const masked = client({
      "x-fake-reply": encodeURIComponent("mail me at a.b@c.org now"),
      "x-fake-chunks": "9",
    });
    const stream = masked.responses.stream({
      model: "llama3.2",
      input: [{ role: "user", content: "/redact hi" }],
    });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas.join("")).toBe("mail me at [email] now");
    expect(final.output_text).toBe("mail me at [email] now");
    expect((lastChat().messages as Array<{ content: string }>).at(-1)?.content).toBe("hi");
    const raw = await post(
      proxy.url,
      { model: "llama3.2", input: "/redact hi" },
      { "x-request-id": "resp-redact" },
    );
    expect(raw.headers.get("x-agent-chain")).toBe("redact");
    await raw.text();
    const line = await eventually("access line", () =>
      accessLines(proxy).find((l) => l.requestId === "resp-redact"),
    );
    expect([line.model, line.agents, line.status]).toEqual(["llama3.2", ["redact"], 200]);
  });

  test("agent transforms change answer text only, never tool-call arguments", async () => {
    const contact: OpenAI.Responses.FunctionTool = {
      type: "function",
      name: "email",
      parameters: {
        type: "object",
        required: ["to"],
        properties: { to: { type: "string", enum: ["a.b@c.org"] } },
      },
      strict: false,
    };
    const final = await openai.responses
      .stream({ model: "llama3.2", input: "/redact write to them", tools: [contact] })
      .finalResponse();
    const call = final.output.find((o) => o.type === "function_call");
    expect(call?.type === "function_call" && JSON.parse(call.arguments)).toEqual({ to: "a.b@c.org" });
  });

  test("/help answers without calling the model", async () => {
    const res = await openai.responses.create({ model: "llama3.2", input: "/help" });
    expect(res.output_text).toContain("/redact");
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
  });
});

describe("errors, in the Responses API's envelope and status", () => {
  test("before the stream: 404 for a model that cannot be had, 400 naming the field otherwise", async () => {
    const ghost = await openai.responses
      .create({ model: "ghost", input: "hi", stream: true })
      .catch((e) => e);
    expect(ghost).toBeInstanceOf(OpenAI.NotFoundError);
    expect([ghost.code, ghost.type]).toEqual(["model_not_found", "not_found_error"]);
    const chained = await openai.responses
      .create({ model: "llama3.2", input: "hi", previous_response_id: "resp_1" })
      .catch((e) => e);
    expect(chained).toBeInstanceOf(OpenAI.BadRequestError);
    expect(chained.param).toBe("previous_response_id");
    const thinking = await openai.responses
      .create({ model: "llama3.2", input: "hi", reasoning: { effort: "high" } })
      .catch((e) => e);
    expect(thinking).toBeInstanceOf(OpenAI.BadRequestError);
    expect(thinking.message).toContain('"llama3.2" does not support thinking');
    const bad = await fetch(`${proxy.url}/v1/responses`, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    const stored = await openai.responses.retrieve("resp_abc").catch((e) => e);
    expect(stored).toBeInstanceOf(OpenAI.NotFoundError);
    expect(stored.message).toContain("stores no responses");
  });

  test("a failure mid-stream: response.failed then an error event, raised by the client", async () => {
    const failing = { "x-fake-fail-after-chunks": "2", "x-fake-fail-message": "runner crashed" };
    const headers = { ...failing, "x-request-id": "resp-fail" };
    const res = await post(proxy.url, { model: "llama3.2", input: "a b c d", stream: true }, headers);
    const events = parseEvents(await res.text());
    expect(events.slice(-2).map((e) => e.type)).toEqual(["response.failed", "error"]);
    const line = await eventually("access line", () =>
      accessLines(proxy).find((l) => l.requestId === "resp-fail"),
    );
    expect([line.status, line.outcome, line.error]).toEqual([200, "upstream_error", "runner crashed"]);
    const raw = await client(failing).responses.create({ model: "llama3.2", input: "a b c d", stream: true });
    const err = await (async () => {
      for await (const _ of raw) {
        // consume
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toContain("runner crashed");
    const dropped = client({ "x-fake-drop-after-chunks": "2" }).responses.stream({
      model: "llama3.2",
      input: "a b c d",
    });
    const cut = await dropped.finalResponse().catch((e) => e);
    expect(cut).toBeInstanceOf(OpenAI.APIError);
  });
});
