// /v1/messages on the wire: SSE framing and order, no buffering, aborts, pulls with pings, agents,
// every error path in Anthropic's envelope, and the headers that do (not) travel on to Ollama.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import Anthropic, { type APIError } from "@anthropic-ai/sdk";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";
import { eventNames, parseSse, readUntil } from "../helpers/sse.ts";

let fake: FakeOllama;
let proxy: TestProxy;

beforeAll(async () => {
  fake = startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { modelsCacheMs: 0, progressAfterMs: 30, progressEveryMs: 60, pullGraceMs: 0 },
    tuning: { pullTiming: { minGapMs: 10, heartbeatMs: 50 } },
  });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

const hi: Anthropic.MessageParam[] = [{ role: "user", content: "hi" }];
const sdk = (headers: Record<string, string> = {}) =>
  new Anthropic({ baseURL: proxy.url, apiKey: "ollama", maxRetries: 0, defaultHeaders: headers });

function post(body: unknown, headers: Record<string, string> = {}, path = "/v1/messages") {
  return fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
const stream = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  post({ max_tokens: 64, messages: hi, ...body, stream: true }, headers);

async function expectError(res: Response, status: number, type: string, message: string | RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toStartWith("application/json");
  const body = (await res.json()) as {
    type: string;
    error: { type: string; message: string };
    request_id: string;
  };
  expect(body.type).toBe("error");
  expect(body.error.type).toBe(type);
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else expect(body.error.message).toMatch(message);
  expect(body.request_id).toBe(res.headers.get("x-request-id") as string);
}

describe("the event stream", () => {
  test("Anthropic's framing and grammar, one event per upstream chunk", async () => {
    const res = await stream({ model: "qwen3", tools: [{ name: "t", input_schema: { type: "object" } }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const events = parseSse(await res.text());
    expect(eventNames(events)).toBe(
      "message_start content_block_start content_block_delta content_block_delta content_block_stop " +
        "content_block_start content_block_delta content_block_stop message_delta message_stop",
    );
    expect(events.filter((e) => "index" in e.data).map((e) => e.data.index)).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  test("no buffering: the first delta arrives while the upstream is still writing; leaving aborts it", async () => {
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      signal: controller.signal,
      headers: { "x-fake-chunk-delay-ms": "300" },
      body: JSON.stringify({
        model: "llama3.2",
        max_tokens: 64,
        stream: true,
        messages: [{ role: "user", content: "a b c d" }],
      }),
    });
    const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const text = await readUntil(reader, (t) => t.includes("content_block_delta"));
    expect(text).toContain('"text":"You"');
    const upstream = fake.requestsTo("/api/chat").at(-1);
    expect(upstream?.endedAt).toBeUndefined();
    controller.abort();
    const seen = await fake.waitForRequest((r) => r.path === "/api/chat" && r.aborted, 2000);
    expect(seen.aborted).toBe(true);
  });

  test("a model pulled on demand: pings keep the stream alive, then the answer", async () => {
    Object.assign(fake.behaviour, { pullChunkDelayMs: 15 });
    const events = parseSse(await (await stream({ model: "tinyllama" })).text());
    const names = eventNames(events);
    expect(names).toMatch(/^message_start( ping)+ content_block_start/);
    expect(names).toEndWith("message_delta message_stop");
    expect(fake.requestsTo("/api/pull")).toHaveLength(1);
    // The SDK skips the pings; the non-streamed answer waits silently.
    Object.assign(fake.behaviour, { pullChunkDelayMs: 5 });
    const text = await sdk()
      .messages.stream({ model: "phi3:mini", max_tokens: 16, messages: [{ role: "user", content: "yo" }] })
      .finalText();
    expect(text).toBe("You said: yo");
    const once = await sdk().messages.create({
      model: "mistral",
      max_tokens: 16,
      messages: [{ role: "user", content: "yo" }],
    });
    expect(once.content).toEqual([{ type: "text", text: "You said: yo" }] as Anthropic.ContentBlock[]);
  });
});

describe("agents", () => {
  test("/redact masks a streamed answer; the command is stripped; X-Agent-Chain and the access line say so", async () => {
    const reply = "Write to john.doe@example.com or call +44 20 7946 0958 today.";
    const client = sdk({
      "x-fake-reply": encodeURIComponent(reply),
      "x-fake-chunks": "23",
      "x-request-id": "redact-1",
    });
    const deltas: string[] = [];
    const { response } = await client.messages
      .stream({
        model: "llama3.2",
        max_tokens: 64,
        messages: [{ role: "user", content: "/redact contacts?" }],
      })
      .on("text", (t) => deltas.push(t))
      .withResponse();
    await eventually("stream end", () => (deltas.join("").endsWith("today.") ? true : undefined));
    expect(deltas.join("")).toBe("Write to [email] or call [phone] today.");
    expect(deltas.length).toBeGreaterThan(3);
    expect(response.headers.get("x-agent-chain")).toBe("redact");
    const messages = (fake.requestsTo("/api/chat").at(-1)!.body as { messages: Array<{ content: string }> })
      .messages;
    expect(messages.at(-1)?.content).toBe("contacts?");
    const line = await eventually("access line", () =>
      accessLines(proxy).find((l) => l.requestId === "redact-1"),
    );
    expect(line.agents).toEqual(["redact"]);
  });

  test("/help answers without the model; a chain over the limit is a 400 in Anthropic's envelope", async () => {
    const help = await sdk().messages.create({
      model: "llama3.2",
      max_tokens: 64,
      messages: [{ role: "user", content: "/help" }],
    });
    expect(help.content[0]?.type === "text" && help.content[0].text).toContain("/redact");
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
    const res = await post({
      model: "llama3.2",
      max_tokens: 8,
      messages: [{ role: "user", content: `${"/concise ".repeat(17)}hi` }],
    });
    await expectError(res, 400, "invalid_request_error", /16/);
  });
});

describe("errors, in Anthropic's envelope and status", () => {
  test("bad bodies: not JSON, a missing field, a refused block — each names what is wrong", async () => {
    await expectError(
      await post("{nope"),
      400,
      "invalid_request_error",
      /^the request body is not valid JSON: invalid character/,
    );
    await expectError(
      await post(""),
      400,
      "invalid_request_error",
      "the request body is empty: a JSON object is expected",
    );
    await expectError(
      await post({ model: "llama3.2", messages: hi }),
      400,
      "invalid_request_error",
      "max_tokens: Field required",
    );
    const url = { type: "image", source: { type: "url", url: "https://example.com/x.png" } };
    await expectError(
      await post({ model: "llava", max_tokens: 8, messages: [{ role: "user", content: [url] }] }),
      400,
      "invalid_request_error",
      /^messages\.0\.content\.0\.source\.type: "url" image sources are not supported/,
    );
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
  });

  test("the SDK raises its own error classes", async () => {
    const client = sdk();
    const bad = await client.messages
      .create({ model: "llama3.2", max_tokens: 0, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    const missing = await client.messages
      .create({ model: "no-such-model", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as APIError).type).toBe("not_found_error");
    expect((missing as APIError).message).toContain("model 'no-such-model' not found");
  });

  test("upstream refusals keep Ollama's status and words, streamed or not", async () => {
    const tools = [{ name: "t", input_schema: { type: "object" } }];
    const body = { model: "hf.co/acme/tiny-GGUF:Q4_K_M", max_tokens: 8, messages: hi, tools };
    await expectError(
      await post(body),
      400,
      "invalid_request_error",
      "hf.co/acme/tiny-GGUF:Q4_K_M does not support tools",
    );
    await expectError(
      await stream(body),
      400,
      "invalid_request_error",
      "hf.co/acme/tiny-GGUF:Q4_K_M does not support tools",
    );
    await expectError(
      await stream({ model: "no-such-model" }),
      404,
      "not_found_error",
      /^model 'no-such-model' not found/,
    );
  });

  test("a stream failing midway ends with an error event the SDK raises; no message_stop", async () => {
    const headers = {
      "x-fake-fail-after-chunks": "2",
      "x-fake-fail-message": "runner crashed",
      "x-request-id": "mid-1",
    };
    const events = parseSse(
      await (
        await stream({ model: "llama3.2", messages: [{ role: "user", content: "a b c d" }] }, headers)
      ).text(),
    );
    expect(events.at(-1)).toEqual({
      event: "error",
      data: { type: "error", error: { type: "api_error", message: "runner crashed" } },
    });
    expect(eventNames(events)).not.toContain("message_stop");
    const line = await eventually("access line", () =>
      accessLines(proxy).find((l) => l.requestId === "mid-1"),
    );
    expect([line.status, line.outcome, line.error]).toEqual([200, "upstream_error", "runner crashed"]);

    const failing = sdk({ "x-fake-fail-after-chunks": "2", "x-fake-fail-message": "runner crashed" });
    const err = await failing.messages
      .stream({ model: "llama3.2", max_tokens: 8, messages: hi })
      .finalMessage()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as APIError).message).toContain("runner crashed");

    const cut = parseSse(
      await (
        await stream(
          { model: "llama3.2", messages: [{ role: "user", content: "a b c d" }] },
          { "x-fake-drop-after-chunks": "2" },
        )
      ).text(),
    );
    expect(cut.at(-1)?.event).toBe("error");
    expect(cut.at(-1)?.data.error).toMatchObject({ type: "api_error" });
  });

  test("an unreachable Ollama is a 502 naming it; wrong methods and unknown /v1/messages routes are answered here", async () => {
    const lonely = await startProxy({ upstreamUrl: "http://127.0.0.1:9" });
    try {
      const res = await fetch(`${lonely.url}/v1/messages`, {
        method: "POST",
        body: JSON.stringify({ model: "m", max_tokens: 8, messages: hi }),
      });
      await expectError(res, 502, "api_error", /127\.0\.0\.1:9/);
    } finally {
      await lonely.stop();
    }
    const get = await fetch(`${proxy.url}/v1/messages`);
    expect(get.headers.get("allow")).toBe("POST");
    await expectError(get, 405, "api_error", "method not allowed: use POST");
    await expectError(
      await post({}, {}, "/v1/messages/batches"),
      404,
      "not_found_error",
      "message batches and other /v1/messages/* routes are not supported",
    );
  });
});

describe("headers toward Ollama", () => {
  test("x-api-key and Anthropic bearer tokens stay with the proxy; other auth and Anthropic headers go on", async () => {
    const sent = () => fake.requestsTo("/api/chat").at(-1)?.headers ?? {};
    await new Anthropic({ baseURL: proxy.url, apiKey: "sk-ant-api03-secret", maxRetries: 0 }).messages.create(
      {
        model: "llama3.2",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      },
    );
    expect(sent()["x-api-key"]).toBeUndefined();
    expect(sent()["anthropic-version"]).toBeDefined();
    await new Anthropic({
      baseURL: proxy.url,
      apiKey: null,
      authToken: "ollama",
      maxRetries: 0,
    }).messages.create({
      model: "llama3.2",
      max_tokens: 8,
      messages: [{ role: "user", content: "x" }],
    });
    expect(sent().authorization).toBe("Bearer ollama");
    await new Anthropic({
      baseURL: proxy.url,
      apiKey: null,
      authToken: "sk-ant-oat01-secret",
      maxRetries: 0,
    }).messages.create({
      model: "llama3.2",
      max_tokens: 8,
      messages: [{ role: "user", content: "x" }],
    });
    expect(sent().authorization).toBeUndefined();
  });
});
