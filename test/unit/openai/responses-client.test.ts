// Feeds the Responses translators' output to the real `openai` client (create, stream, the stream helper)
// through an in-process fetch: the client's own accumulator checks the event grammar.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import {
  createResponsesStreamRenderer,
  type ResponseShape,
  toResponse,
  translateResponsesRequest,
} from "../../../src/features/openai/translate/index.ts";
import { ChunkAggregator } from "../../../src/pipeline/chunks.ts";
import type { ChatChunk } from "../../../src/wire/ollama.ts";
import { chatDone, LENGTH_CUT, PLAIN, say, THINKING, TOOL_CALLS } from "./native-fixtures.ts";

/** A client whose requests are answered as the proxy would answer them, from the given native chunks. */
function serverOf(chunks: ChatChunk[], failWith?: string): OpenAI {
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const t = translateResponsesRequest(JSON.parse(String(init?.body ?? "{}")));
    const shape: ResponseShape = {
      id: "resp_test",
      createdAt: 1_700_000_000,
      model: t.requestedModel,
      echo: t.echo,
    };
    if (!t.stream) {
      const folded = new ChunkAggregator("chat");
      for (const c of chunks) folded.add(c);
      return Response.json(toResponse(folded.result(), shape, t.namespaced));
    }
    const r = createResponsesStreamRenderer({ shape, namespaced: t.namespaced, progressStyle: "comment" });
    let text = r.progress("waiting for qwen3 to load (2s)");
    text += chunks.map((c) => r.chunk(c)).join("");
    if (failWith) text += r.error(failWith);
    return new Response(text, { headers: { "content-type": "text/event-stream" } });
  }) as typeof globalThis.fetch;
  return new OpenAI({ apiKey: "ollama", baseURL: "http://proxy.test/v1", maxRetries: 0, fetch });
}

const tools: OpenAI.Responses.FunctionTool[] = [
  { type: "function", name: "get_weather", parameters: { type: "object" }, strict: false },
  { type: "function", name: "get_time", parameters: { type: "object" }, strict: false },
];

describe("the real openai client reads what the proxy sends", () => {
  test("responses.create: output_text is derived, usage and status read", async () => {
    const res = await serverOf(THINKING).responses.create({ model: "qwen3", input: "2+2?" });
    expect(res.output_text).toBe("The answer is 4.");
    expect(res.status).toBe("completed");
    expect(res.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(res.usage).toMatchObject({ input_tokens: 12, output_tokens: 7, total_tokens: 19 });
  });

  test("responses.stream: text and reasoning summary deltas, then the final response", async () => {
    const stream = serverOf(THINKING).responses.stream({ model: "qwen3", input: "2+2?" });
    const deltas: string[] = [];
    const summary: string[] = [];
    stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
    stream.on("response.reasoning_summary_text.delta", (e) => summary.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas.join("")).toBe("The answer is 4.");
    expect(summary.join("")).toBe("Let me think.Done.");
    expect(final.output_text).toBe("The answer is 4.");
    const reasoning = final.output[0];
    expect(reasoning?.type === "reasoning" && reasoning.summary[0]?.text).toBe("Let me think.Done.");
  });

  test("responses.stream with tools: function calls with arguments, in order", async () => {
    const stream = serverOf(TOOL_CALLS).responses.stream({ model: "qwen3", input: "weather?", tools });
    const args: string[] = [];
    stream.on("response.function_call_arguments.done", (e) => args.push(e.arguments));
    const final = await stream.finalResponse();
    const calls = final.output.filter((o) => o.type === "function_call");
    expect(calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_time", { tz: "Europe/Paris", exact: true }],
    ]);
    expect(calls[0]?.call_id).toBe("call_abc12345");
    expect(calls[1]?.call_id).toMatch(/^call_[a-z0-9]{8}$/);
    expect(args).toEqual(calls.map((c) => c.arguments));
  });

  test("a cut by max_output_tokens is incomplete, with the reason", async () => {
    const res = await serverOf(LENGTH_CUT).responses.create({
      model: "qwen3",
      input: "story",
      max_output_tokens: 2,
    });
    expect(res.status).toBe("incomplete");
    expect(res.incomplete_details?.reason).toBe("max_output_tokens");
    const final = await serverOf(LENGTH_CUT)
      .responses.stream({ model: "qwen3", input: "story", max_output_tokens: 2 })
      .finalResponse();
    expect(final.status).toBe("incomplete");
    expect(final.output_text).toBe("Once upon a time");
  });

  test("a stream that fails midway is raised as APIError, by the raw iterator and by the helper", async () => {
    const raw = await serverOf([say("Hel"), say("lo")], "runner crashed").responses.create({
      model: "qwen3",
      input: "hi",
      stream: true,
    });
    const types: string[] = [];
    const err = await (async () => {
      for await (const event of raw) types.push(event.type);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toContain("runner crashed");
    expect(types.at(-1)).toBe("response.failed");
    const helper = serverOf([say("Hel")], "runner crashed").responses.stream({ model: "qwen3", input: "hi" });
    expect(await helper.finalResponse().catch((e) => e)).toBeInstanceOf(OpenAI.APIError);
  });

  test("an answer that is only a done chunk still completes with an empty message", async () => {
    const res = await serverOf([chatDone()]).responses.create({ model: "qwen3", input: "hi" });
    expect(res.output_text).toBe("");
    const final = await serverOf(PLAIN).responses.stream({ model: "qwen3", input: "hi" }).finalResponse();
    expect(final.output_text).toBe("Hello world");
  });
});
