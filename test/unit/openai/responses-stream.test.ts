// The Responses stream renderer, chunk by chunk: the event grammar, sequence numbers, progress and failures.
import { describe, expect, test } from "bun:test";
import {
  createResponsesStreamRenderer,
  type ResponsesProgressStyle,
} from "../../../src/features/openai/translate/responses-stream.ts";
import { chatDone, LENGTH_CUT, PLAIN, say, THINKING, TOOL_CALLS } from "./native-fixtures.ts";

const ECHO = {
  instructions: null,
  max_output_tokens: null,
  parallel_tool_calls: true,
  prompt_cache_key: null,
  reasoning: null,
  safety_identifier: null,
  temperature: null,
  text: { format: { type: "text" } },
  tool_choice: "auto",
  tools: [],
  top_logprobs: 0,
  top_p: null,
  truncation: "disabled",
  user: null,
  metadata: {},
};
const SHAPE = { id: "resp_test", createdAt: 1_700_000_000, model: "my-alias", echo: ECHO };

// biome-ignore lint/suspicious/noExplicitAny: parsed wire payloads, probed field by field by the assertions
type Event = { type: string; sequence_number: number } & Record<string, any>;

/** Splits SSE text into events, checking that each `event:` name equals its payload's `type`. */
function events(text: string): { events: Event[]; comments: string[] } {
  const out: Event[] = [];
  const comments: string[] = [];
  expect(text === "" || text.endsWith("\n\n")).toBe(true);
  for (const block of text.split("\n\n").filter(Boolean)) {
    if (block.startsWith(": ")) {
      comments.push(block.slice(2));
      continue;
    }
    const [name, data, ...rest] = block.split("\n");
    expect(rest).toEqual([]);
    const payload = JSON.parse(data?.replace(/^data: /, "") ?? "") as Event;
    expect(name).toBe(`event: ${payload.type}`);
    out.push(payload);
  }
  return { events: out, comments };
}

const renderer = (progressStyle: ResponsesProgressStyle = "comment") =>
  createResponsesStreamRenderer({ shape: SHAPE, namespaced: new Map(), progressStyle });
const all = (r: ReturnType<typeof renderer>, chunks: Parameters<ReturnType<typeof renderer>["chunk"]>[0][]) =>
  events(chunks.map((c) => r.chunk(c)).join("")).events;

describe("responses stream renderer", () => {
  test("plain text: lifecycle, one message item, deltas, done events, completed; sequence 0..n", () => {
    const r = renderer();
    const out = all(r, PLAIN);
    expect(out.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(out.map((e) => e.sequence_number)).toEqual(out.map((_, i) => i));
    expect(out[0]?.response).toMatchObject({
      id: "resp_test",
      status: "in_progress",
      model: "my-alias",
      output: [],
    });
    const item = out[2]?.item;
    expect(item).toMatchObject({ type: "message", status: "in_progress", role: "assistant", content: [] });
    expect(item.id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(out.slice(3, 9).every((e) => e.item_id === item.id && e.output_index === 0)).toBe(true);
    expect(out[7]?.text).toBe("Hello world");
    const completed = out.at(-1)?.response;
    expect(completed).toMatchObject({ status: "completed", incomplete_details: null, error: null });
    expect(completed.output).toEqual([out[9]?.item]);
    expect(completed.usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 19,
    });
    expect(r.state).toBe("done");
    expect(r.chunk(say("late"))).toBe("");
  });

  test("thinking: a reasoning item with a summary part, closed before the text starts", () => {
    const out = all(renderer(), THINKING);
    expect(out.slice(2, 11).map((e) => e.type)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
    ]);
    const reasoning = out[9]?.item;
    expect(reasoning).toMatchObject({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "Let me think.Done." }],
      encrypted_content: "Let me think.Done.",
    });
    expect(reasoning.id).toMatch(/^rs_/);
    expect(out[10]?.output_index).toBe(1);
    expect(out.at(-1)?.response.output.map((o: { type: string }) => o.type)).toEqual([
      "reasoning",
      "message",
    ]);
  });

  test("tool calls: one function_call item each, arguments as a JSON string; text before them kept", () => {
    const out = all(renderer(), [say("Checking."), ...TOOL_CALLS]);
    const types = out.map((e) => e.type);
    expect(types.slice(2, 8)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
    ]);
    const added = out.filter((e) => e.type === "response.output_item.added").map((e) => e.item);
    expect(added[1]).toMatchObject({
      type: "function_call",
      status: "in_progress",
      call_id: "call_abc12345",
      arguments: "",
    });
    const done = out.filter((e) => e.type === "response.function_call_arguments.done");
    expect(done.map((e) => [e.name, e.arguments, e.output_index])).toEqual([
      ["get_weather", '{"city":"Paris"}', 1],
      ["get_time", '{"tz":"Europe/Paris","exact":true}', 2],
    ]);
    const final = out.at(-1)?.response.output;
    expect(final.map((o: { type: string }) => o.type)).toEqual(["message", "function_call", "function_call"]);
    expect(final[1].id).toMatch(/^fc_/);
  });

  test("a flattened namespace member is answered as {namespace, name}", () => {
    const r = createResponsesStreamRenderer({
      shape: SHAPE,
      namespaced: new Map([["docs.search", { namespace: "docs", name: "search" }]]),
      progressStyle: "none",
    });
    const out = all(r, [
      say("", { tool_calls: [{ id: "c", function: { name: "docs.search", arguments: {} } }] }),
    ]);
    expect(out.at(-1)?.item).toMatchObject({ name: "search", namespace: "docs", arguments: "{}" });
  });

  test("a cut by the token limit ends with response.incomplete and an incomplete message", () => {
    const out = all(renderer(), LENGTH_CUT);
    expect(out.at(-1)?.type).toBe("response.incomplete");
    expect(out.at(-1)?.response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    });
    expect(out.at(-2)?.item.status).toBe("incomplete");
  });

  test("a failure mid-stream: response.failed with what was streamed, then an error event; nothing after", () => {
    const r = renderer();
    const text = r.chunk(say("Hel")) + r.error("runner crashed", 500);
    const out = events(text).events;
    expect(out.slice(-2).map((e) => e.type)).toEqual(["response.failed", "error"]);
    const failed = out.at(-2)?.response;
    expect(failed).toMatchObject({
      status: "failed",
      error: { code: "server_error", message: "runner crashed" },
    });
    expect(failed.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    expect(out.at(-1)).toMatchObject({ code: "server_error", message: "runner crashed", param: null });
    expect(r.state).toBe("failed");
    expect(r.chunk(chatDone()) + r.end() + r.error("again")).toBe("");
  });

  test("Ollama's in-band error line and an upstream that ends without done both fail the response", () => {
    const a = renderer();
    expect(events(a.chunk(say("x")) + a.chunk({ error: "boom" })).events.at(-1)?.message).toBe("boom");
    const b = renderer();
    b.chunk(say("x"));
    const out = events(b.end()).events;
    expect(out[0]?.response.error.message).toMatch(/ended before the response was complete/);
  });

  test("progress, comment style: the stream starts, then SSE comments and response.in_progress events", () => {
    const r = renderer("comment");
    const first = events(r.progress("pulling tinyllama 10%"));
    expect(first.events.map((e) => e.type)).toEqual(["response.created", "response.in_progress"]);
    expect(first.comments).toEqual(["pulling tinyllama 10%"]);
    const next = events(r.progress("pulling tinyllama 55%"));
    expect(next.comments).toEqual(["pulling tinyllama 55%"]);
    expect(next.events.map((e) => [e.type, e.sequence_number])).toEqual([["response.in_progress", 2]]);
    expect(all(r, PLAIN)[0]?.sequence_number).toBe(3);
  });

  test("progress, reasoning style: a summary-only reasoning item of its own, closed when output begins", () => {
    const r = renderer("reasoning");
    const text = r.progress("pulling tinyllama 10%") + r.progress("pulling tinyllama 55%");
    const deltas = events(text).events.filter((e) => e.type === "response.reasoning_summary_text.delta");
    expect(deltas.map((e) => e.delta)).toEqual(["pulling tinyllama 10%\n", "pulling tinyllama 55%\n"]);
    const out = all(r, THINKING);
    const done = out.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
    expect(done[0]).toEqual({
      id: done[0].id,
      type: "reasoning",
      summary: [{ type: "summary_text", text: "pulling tinyllama 10%\npulling tinyllama 55%\n" }],
    });
    expect(done[1]?.encrypted_content).toBe("Let me think.Done.");
    expect(done.map((i) => i.type)).toEqual(["reasoning", "reasoning", "message"]);
  });

  test("progress, none style: nothing", () => {
    expect(renderer("none").progress("pulling")).toBe("");
  });
});
