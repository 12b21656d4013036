// Bounded memory on every path: body limits per route kind, upstream line lengths, model names.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, startProxy, type TestProxy } from "../helpers/proxy.ts";

const MB = 2 ** 20;
let fake: FakeOllama;
let proxy: TestProxy;
let openai: OpenAI;
let ollama: Ollama;

beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { maxBodyMb: 2, maxSmallBodyMb: 1, maxLineMb: 1, pullRetryAfterMs: 60_000 },
  });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "none", maxRetries: 0 });
  ollama = new Ollama({ host: proxy.url });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

/** Random bytes as base64: what an image looks like on the wire. */
function base64Image(bytes: number): string {
  const raw = new Uint8Array(bytes);
  for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, i + 65536));
  return Buffer.from(raw).toString("base64");
}

/** A body sent without Content-Length (chunked), 64 KB per write. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + 65536));
      at += 65536;
    },
  });
}

const post = (path: string, body: Bun.BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}${path}`, { method: "POST", body, headers, duplex: "half" } as RequestInit);

/** The parsed body, in the shape a test expects of it. */
const json = async <T = { error: string }>(res: Response) => (await res.json()) as T;
type OpenAIError = { error: { type: string; message: string } };

const chatBody = (content: string) =>
  JSON.stringify({ model: "llama3.2", stream: false, messages: [{ role: "user", content }] });

describe("request body limits", () => {
  test("a native body over MAX_BODY_MB is Ollama's 413 envelope, and the proxy goes on serving", async () => {
    const res = await post("/api/chat", chatBody("x".repeat(3 * MB)));
    expect(res.status).toBe(413);
    expect(await json(res)).toEqual({ error: "request body too large: the limit is 2 MB (MAX_BODY_MB)" });
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
    const ok = await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] });
    expect(ok.message.content).toBe("You said: hi");
  });

  test("ollama-js shows the limit's text and status", async () => {
    const err = await ollama
      .chat({ model: "llama3.2", messages: [{ role: "user", content: "x".repeat(3 * MB) }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status_code: 413, error: expect.stringContaining("MAX_BODY_MB") });
  });

  test("on /v1 it is OpenAI's envelope, raised by the openai client as a 413", async () => {
    const err = await openai.chat.completions
      .create({ model: "llama3.2", messages: [{ role: "user", content: "x".repeat(3 * MB) }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: 413, type: "invalid_request_error" });
    expect((err as Error).message).toContain("MAX_BODY_MB");
  });

  test("on /v1/messages it is Anthropic's envelope, raised by the Anthropic client as a 413", async () => {
    const claude = new Anthropic({ baseURL: proxy.url, apiKey: "none", maxRetries: 0 });
    const err = await claude.messages
      .create({
        model: "llama3.2",
        max_tokens: 10,
        messages: [{ role: "user", content: "x".repeat(3 * MB) }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err).toMatchObject({
      status: 413,
      error: { type: "error", error: { type: "request_too_large" } },
    });
    expect((err as { error: { request_id?: string } }).error.request_id).toBeString();
  });

  test("a chunked body is read up to the limit and no further; under it, it passes", async () => {
    // An endless body: the answer can only come if reading stops at the limit.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 65536;
        c.enqueue(new Uint8Array(65536).fill(0x41));
      },
    });
    const big = await post("/api/chat", endless);
    expect(big.status).toBe(413);
    expect((await json(big)).error).toContain("MAX_BODY_MB");
    expect(sent).toBeLessThan(16 * MB);
    const small = await post("/api/chat", chunked(chatBody("hello there")));
    expect(small.status).toBe(200);
    expect((await json<{ message: { content: string } }>(small)).message.content).toBe(
      "You said: hello there",
    );
    const v1 = await post(
      "/v1/chat/completions",
      chunked(
        JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "x".repeat(3 * MB) }] }),
      ),
    );
    expect(v1.status).toBe(413);
    expect((await json<OpenAIError>(v1)).error.type).toBe("invalid_request_error");
  });

  test("small routes have MAX_SMALL_BODY_MB; blob uploads have no limit", async () => {
    const show = await post("/api/show", JSON.stringify({ model: "llama3.2", pad: "x".repeat(1.5 * MB) }));
    expect(show.status).toBe(413);
    expect((await json(show)).error).toContain("MAX_SMALL_BODY_MB");
    const chunkedShow = await post("/api/show", chunked(JSON.stringify({ model: "llama3.2" })));
    expect(chunkedShow.status).toBe(200);
    // A route forwarded as it is gets the chunked body whole, with its length stated.
    const copy = JSON.stringify({ source: "llama3.2", destination: "chunked-copy" });
    expect((await post("/api/copy", chunked(copy))).status).toBe(200);
    expect(fake.requestsTo("/api/copy").at(-1)?.headers["content-length"]).toBe(String(copy.length));
    expect(fake.requestsTo("/api/copy").at(-1)?.body).toEqual(JSON.parse(copy));
    expect(fake.models.map((m) => m.name)).toContain("chunked-copy:latest");
    const blob = new Uint8Array(3 * MB).fill(7);
    const digest = `sha256:${new Bun.CryptoHasher("sha256").update(blob).digest("hex")}`;
    const upload = await post(`/api/blobs/${digest}`, blob);
    expect(upload.status).toBe(201);
    expect(fake.blobs.has(digest)).toBe(true);
  });

  test("the access line records the refusal", async () => {
    await post("/api/chat", chatBody("x".repeat(3 * MB)));
    const line = accessLines(proxy).findLast((l) => l.status === 413);
    expect(line).toMatchObject({
      path: "/api/chat",
      outcome: "error",
      error: expect.stringContaining("MAX_BODY_MB"),
    });
  });
});

describe("large images pass through whole", () => {
  test("a /v1 data-URL image with non-ASCII text reaches Ollama intact, as raw base64", async () => {
    const image = base64Image(1.2 * MB);
    const answer = await openai.chat.completions.create({
      model: "llava",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "décris l'image 🙂" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${image}` } },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toContain("décris l'image 🙂");
    const sent = fake.requestsTo("/api/chat")[0]?.body as {
      messages: Array<{ content: string; images?: string[] }>;
    };
    expect(sent.messages[0]?.content).toBe("décris l'image 🙂");
    expect(sent.messages[0]?.images).toEqual([image]);
  });

  test("a native image body goes upstream as the client sent it", async () => {
    const image = base64Image(1.2 * MB);
    const body = JSON.stringify({
      model: "llava",
      stream: false,
      messages: [{ role: "user", content: "ça, c'est quoi ?", images: [image] }],
    });
    const res = await post("/api/chat", body);
    expect(res.status).toBe(200);
    const sent = fake.requestsTo("/api/chat")[0]?.body as { messages: Array<{ images?: string[] }> };
    expect(sent.messages[0]?.images).toEqual([image]);
  });

  test("a broken image string keeps failing the way it did", async () => {
    // A raw tab inside a string is invalid JSON, however long the string around it.
    const text = JSON.stringify({
      model: "llava",
      messages: [
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${"A".repeat(MB)}\t` } }],
        },
      ],
    }).replace("\\t", "\t");
    const res = await post("/v1/chat/completions", text);
    expect(res.status).toBe(400);
    expect((await json<OpenAIError>(res)).error.message).toContain("not valid JSON");
  });
});

describe("upstream lines longer than MAX_LINE_MB", () => {
  const huge = { "x-fake-huge-line-bytes": String(3 * MB) };

  test("a /v1 stream ends with an SSE error naming the limit", async () => {
    const res = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "llama3.2", stream: true, messages: [{ role: "user", content: "hi" }] }),
      huge,
    );
    const text = await res.text();
    expect(text).toContain("MAX_LINE_MB");
    expect(text).not.toContain("[DONE]");
  });

  test("a one-shot /v1 answer is a 502 naming the limit (the openai client's APIError)", async () => {
    const err = await new OpenAI({
      baseURL: `${proxy.url}/v1`,
      apiKey: "none",
      maxRetries: 0,
      defaultHeaders: huge,
    }).chat.completions
      .create({ model: "llama3.2", messages: [{ role: "user", content: "/redact hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toContain("MAX_LINE_MB");
  });

  test("a native stream the proxy parses (an agent is on) ends with Ollama's in-band error", async () => {
    const lines = (
      await (
        await post(
          "/api/chat",
          JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "/redact hi" }] }),
          huge,
        )
      ).text()
    )
      .trim()
      .split("\n");
    expect(JSON.parse(lines.at(-1) ?? "{}").error).toContain("MAX_LINE_MB");
  });

  test("a pull fails with the limit named, and the failure is remembered", async () => {
    const res = await post("/api/pull", JSON.stringify({ model: "tinyllama", stream: false }), huge);
    expect(res.status).toBe(502);
    expect((await json(res)).error).toContain("MAX_LINE_MB");
    const status = await json<{ failed: unknown[] }>(await fetch(`${proxy.url}/models`));
    expect(status.failed).toEqual([expect.objectContaining({ model: "tinyllama" })]);
  });
});

describe("model names Ollama could not parse", () => {
  const longName = "m".repeat(1024 * 1024);

  test("native and /v1 chats get Ollama's 400 without the name being repeated or logged", async () => {
    const native = await post("/api/chat", JSON.stringify({ model: longName, messages: [] }));
    expect(native.status).toBe(400);
    expect(await native.text()).toBe('{"error":"invalid model name"}');
    const err = await openai.chat.completions
      .create({ model: longName, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: "model" });
    expect((err as Error).message).toBe("400 invalid model name");
    for (const line of accessLines(proxy).slice(-2)) {
      expect(line.model).toBeUndefined();
      expect(JSON.stringify(line).length).toBeLessThan(2000);
    }
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
    expect(fake.requestsTo("/api/pull")).toHaveLength(0);
  });

  test("pulls of bad names keep nothing: GET /models stays small", async () => {
    for (let i = 0; i < 20; i++) {
      const err = await ollama.pull({ model: `${i}${"n".repeat(100_000)}` }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status_code: 400, error: "invalid model name" });
    }
    const res = await fetch(`${proxy.url}/models`);
    const text = await res.text();
    expect(text.length).toBeLessThan(10_000);
    const failed = JSON.parse(text).failed as Array<{ model: string }>;
    expect(failed.every((f) => f.model.length < 100)).toBe(true);
    expect(fake.requestsTo("/api/pull")).toHaveLength(0);
  });

  test("show and embed answer like Ollama; a forwarded delete is not logged with the name", async () => {
    const show = await post("/api/show", JSON.stringify({ model: "bad name!" }));
    expect(show.status).toBe(400);
    expect(await json(show)).toEqual({ error: "invalid model name" });
    const embed = await post("/api/embed", JSON.stringify({ model: "n".repeat(500_000), input: "hi" }));
    expect(await json(embed)).toEqual({ error: "invalid model name" });
    await fetch(`${proxy.url}/api/delete`, {
      method: "DELETE",
      body: JSON.stringify({ model: "x".repeat(500_000) }),
    });
    const line = accessLines(proxy).at(-1);
    expect(line?.path).toBe("/api/delete");
    expect(line?.model).toBeUndefined();
  });
});
