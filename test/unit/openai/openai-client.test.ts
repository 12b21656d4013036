// Feeds the translators' output to the real `openai` npm client through an in-process fetch: no network.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { openAIErrorObject as openAIErrorBody } from "../../../src/errors.ts";
import { translateChatRequest } from "../../../src/features/openai/translate/chat-request.ts";
import { toChatCompletion } from "../../../src/features/openai/translate/chat-response.ts";
import { createChatStreamRenderer } from "../../../src/features/openai/translate/chat-stream.ts";
import { createCompletionStreamRenderer } from "../../../src/features/openai/translate/completions-stream.ts";
import {
  toEmbeddingsResponse,
  translateEmbeddingsRequest,
} from "../../../src/features/openai/translate/embeddings.ts";
import type { OpenAIRequestError } from "../../../src/features/openai/translate/openai-error.ts";
import type { ChatChunk } from "../../../src/wire/ollama.ts";
import { GENERATE_PLAIN, PLAIN, say, THINKING, TOOL_CALLS } from "./native-fixtures.ts";

const SSE = { "content-type": "text/event-stream" };
const JSON_TYPE = { "content-type": "application/json" };

/** A client whose every request is answered by `handler`, which also sees the parsed request body. */
function clientFor(handler: (body: Record<string, unknown>) => Response): OpenAI {
  return new OpenAI({
    apiKey: "ollama",
    baseURL: "http://proxy.test/v1",
    maxRetries: 0,
    fetch: (async (_url: string | URL | Request, init?: RequestInit) =>
      handler(JSON.parse(String(init?.body ?? "{}")))) as typeof fetch,
  });
}

const OPTS = { id: "chatcmpl-abc", created: 1_700_000_000 };

/** Translates the request, renders the given native chunks as the proxy would. */
function chatStreamServer(chunks: ChatChunk[], failWith?: string) {
  return clientFor((body) => {
    const t = translateChatRequest(body);
    const r = createChatStreamRenderer({ ...OPTS, model: t.requestedModel, includeUsage: t.includeUsage });
    let text = chunks.map((c) => r.chunk(c)).join("");
    if (failWith) text += r.error(failWith);
    return new Response(text, { headers: SSE });
  });
}

describe("the real openai client", () => {
  test("parses a streamed chat completion, including the usage chunk", async () => {
    const client = chatStreamServer(PLAIN);
    const stream = await client.chat.completions.create({
      model: "qwen3",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown = null;
    const finishes: unknown[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello world");
    expect(finishes).toEqual(["stop"]);
    expect(usage).toEqual({ prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 });
  });

  test("raises APIError on the in-band error event, after the text that came before it", async () => {
    const client = chatStreamServer(
      [say("partial")],
      "an error was encountered while running the model: unexpected EOF",
    );
    const stream = await client.chat.completions.create({
      model: "qwen3",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    let caught: unknown;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    } catch (err) {
      caught = err;
    }
    expect(text).toBe("partial");
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect((caught as InstanceType<typeof OpenAI.APIError>).message).toContain("unexpected EOF");
    expect((caught as InstanceType<typeof OpenAI.APIError>).type).toBe("api_error");
  });

  test("the stream helper assembles tool calls from our complete deltas", async () => {
    const client = chatStreamServer(TOOL_CALLS);
    const runner = client.chat.completions.stream({
      model: "qwen3",
      messages: [{ role: "user", content: "weather?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const calls = choice?.message.tool_calls ?? [];
    expect(
      calls.map((c) =>
        c.type === "function" ? [c.id.slice(0, 5), c.function.name, JSON.parse(c.function.arguments)] : null,
      ),
    ).toEqual([
      ["call_", "get_weather", { city: "Paris" }],
      ["call_", "get_time", { tz: "Europe/Paris", exact: true }],
    ]);
  });

  test("the stream helper keeps reasoning out of the content", async () => {
    const client = chatStreamServer(THINKING);
    const runner = client.chat.completions.stream({
      model: "qwen3",
      messages: [{ role: "user", content: "2+2?" }],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe("The answer is 4.");
  });

  test("parses a non-streamed chat completion", async () => {
    const client = clientFor((body) => {
      const t = translateChatRequest(body);
      const native = { ...PLAIN.at(-1), message: { role: "assistant", content: "Hello world" } };
      return Response.json(toChatCompletion(native, { ...OPTS, model: t.requestedModel }), {
        headers: JSON_TYPE,
      });
    });
    const res = await client.chat.completions.create({
      model: "qwen3",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello world");
    expect(res.usage?.total_tokens).toBe(19);
  });

  test("a refused request surfaces as BadRequestError carrying our param", async () => {
    const client = clientFor((body) => {
      try {
        translateChatRequest(body);
        return new Response("unexpected", { status: 500 });
      } catch (err) {
        const e = err as OpenAIRequestError;
        return Response.json(openAIErrorBody(e.message, e.status, e.param, e.code), { status: e.status });
      }
    });
    const call = client.chat.completions.create({
      model: "qwen3",
      messages: [{ role: "user", content: "hi" }],
      n: 3,
    });
    const err = await call.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("n");
  });

  test("parses a streamed legacy completion", async () => {
    const client = clientFor((body) => {
      const r = createCompletionStreamRenderer({ ...OPTS, model: String(body.model), includeUsage: false });
      return new Response(GENERATE_PLAIN.map((c) => r.chunk(c)).join(""), { headers: SSE });
    });
    const stream = await client.completions.create({ model: "qwen3", prompt: "def", stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe("def add(a, b):");
  });

  test("decodes base64 embeddings (its default) back to the float32 values", async () => {
    const vectors = [
      [0.1, -0.2, 0.30000001192092896, 1e-8, -1],
      [3.4028234663852886e38, 0, -0, 0.5],
    ];
    let asked: unknown;
    const client = clientFor((body) => {
      asked = body.encoding_format;
      const t = translateEmbeddingsRequest(body);
      return Response.json(
        toEmbeddingsResponse(
          { embeddings: vectors, prompt_eval_count: 4 },
          { model: t.requestedModel, encodingFormat: t.encodingFormat },
        ),
      );
    });
    const res = await client.embeddings.create({ model: "nomic-embed-text", input: ["a", "b"] });
    expect(asked).toBe("base64");
    expect(res.data.map((d) => d.embedding)).toEqual(vectors.map((v) => Array.from(Float32Array.from(v))));
    expect(res.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });
});
