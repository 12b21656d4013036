// The Anthropic stream renderer on realistic native sequences: event grammar, indexes, stops, errors.
import { describe, expect, test } from "bun:test";
import {
  createMessageStream,
  StopScanner,
  type StreamOptions,
} from "../../../src/features/anthropic/translate/index.ts";
import { chatDone, LENGTH_CUT, PLAIN, say, THINKING, TOOL_CALLS } from "../openai/native-fixtures.ts";

const OPTS: StreamOptions = {
  id: "msg_test",
  model: "claude-sonnet-4-5",
  inputEstimate: 3,
  stopSequences: [],
  showThinking: true,
};

interface Event {
  event: string;
  data: Record<string, unknown>;
}

/** Splits SSE text into events, checking the framing: `event: <type>`, one data line, `type` repeated. */
function events(text: string): Event[] {
  if (text === "") return [];
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((raw) => {
      const [head, body, ...rest] = raw.split("\n");
      expect(rest).toEqual([]);
      expect(head).toStartWith("event: ");
      expect(body).toStartWith("data: ");
      const event = (head ?? "").slice("event: ".length);
      const data = JSON.parse((body ?? "").slice("data: ".length)) as Record<string, unknown>;
      expect(data.type).toBe(event);
      return { event, data };
    });
}

const render = (chunks: Parameters<ReturnType<typeof createMessageStream>["chunk"]>[0][], opts = OPTS) => {
  const stream = createMessageStream(opts);
  return { stream, out: events(chunks.map((c) => stream.chunk(c)).join("")) };
};
const names = (list: Event[]) => list.map((e) => e.event);

describe("message stream", () => {
  test("plain text: message_start, one text block, message_delta with usage, message_stop", () => {
    const { stream, out } = render(PLAIN);
    expect(names(out)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(out[0]?.data.message).toEqual({
      id: "msg_test",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 0 },
    });
    expect(out[1]?.data).toEqual({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    expect(out.slice(2, 5).map((e) => (e.data.delta as { text: string }).text)).toEqual([
      "Hel",
      "lo",
      " world",
    ]);
    expect(out[6]?.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 12, output_tokens: 7 },
    });
    expect(stream.state).toBe("done");
    expect(stream.chunk(say("late"))).toBe("");
  });

  test("thinking then text: two blocks with rising indexes, thinking deltas first", () => {
    const { out } = render(THINKING);
    const starts = out.filter((e) => e.event === "content_block_start").map((e) => e.data);
    expect(starts).toEqual([
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    ]);
    const deltas = out
      .filter((e) => e.event === "content_block_delta")
      .map((e) => [e.data.index, e.data.delta]);
    expect(deltas[0]).toEqual([0, { type: "thinking_delta", thinking: "Let me" }]);
    expect(deltas.at(-1)).toEqual([1, { type: "text_delta", text: " is 4." }]);
    expect(out.filter((e) => e.event === "content_block_stop").map((e) => e.data.index)).toEqual([0, 1]);
  });

  test("display omitted: the model thinks, the stream carries only the text", () => {
    const { out } = render(THINKING, { ...OPTS, showThinking: false });
    expect(out.filter((e) => e.event === "content_block_start")).toHaveLength(1);
  });

  test("tool calls: each its own tool_use block with a toolu_ id and one input_json_delta; stop reason tool_use", () => {
    const { out } = render(TOOL_CALLS);
    const starts = out.filter((e) => e.event === "content_block_start");
    const tools = starts
      .map((e) => e.data.content_block as Record<string, unknown>)
      .filter((b) => b.type === "tool_use");
    expect(tools.map((t) => t.name)).toEqual(["get_weather", "get_time"]);
    for (const tool of tools) {
      expect(tool.id).toMatch(/^toolu_01[0-9A-Za-z]{22}$/);
      expect(tool.input).toEqual({});
    }
    const json = out
      .filter((e) => (e.data.delta as { type?: string } | undefined)?.type === "input_json_delta")
      .map((e) => JSON.parse((e.data.delta as { partial_json: string }).partial_json));
    expect(json).toEqual([{ city: "Paris" }, { tz: "Europe/Paris", exact: true }]);
    expect(out.at(-2)?.data.delta).toEqual({ stop_reason: "tool_use", stop_sequence: null });
  });

  test("a length cut is max_tokens", () => {
    const { out } = render(LENGTH_CUT);
    expect(out.at(-2)?.data.delta).toMatchObject({ stop_reason: "max_tokens" });
  });

  test("a stop sequence split across chunks ends the message there and names the sequence", () => {
    const { stream, out } = render([say("Count: 1, 2"), say(", ST"), say("OP, 4"), say("never")], {
      ...OPTS,
      stopSequences: ["STOP"],
    });
    const text = out
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (e.data.delta as { text: string }).text)
      .join("");
    expect(text).toBe("Count: 1, 2, ");
    expect(out.at(-2)?.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "stop_sequence", stop_sequence: "STOP" },
      usage: { input_tokens: 3, output_tokens: 3 },
    });
    expect(out.at(-1)?.event).toBe("message_stop");
    expect(stream.state).toBe("done");
  });

  test("text held back for a possible stop sequence is sent when the answer ends without it", () => {
    const { out } = render([say("a ST"), chatDone()], { ...OPTS, stopSequences: ["STOP"] });
    const text = out
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (e.data.delta as { text: string }).text)
      .join("");
    expect(text).toBe("a ST");
    expect(out.at(-2)?.data.delta).toMatchObject({ stop_reason: "end_turn" });
  });

  test("pings: message_start first, then ping events; none after the end", () => {
    const stream = createMessageStream(OPTS);
    expect(names(events(stream.ping() + stream.ping()))).toEqual(["message_start", "ping", "ping"]);
    expect(names(events(stream.chunk(say("hi"))))).toEqual(["content_block_start", "content_block_delta"]);
    stream.chunk(chatDone());
    expect(stream.ping()).toBe("");
  });

  test("errors: an error event in Anthropic's envelope, then nothing; truncation is a 502 api_error", () => {
    const failed = createMessageStream(OPTS);
    failed.chunk(say("a"));
    const [error] = events(failed.chunk({ error: "runner died" }));
    expect(error?.data).toEqual({ type: "error", error: { type: "api_error", message: "runner died" } });
    expect(failed.state).toBe("failed");
    expect(failed.chunk(chatDone())).toBe("");

    const cut = createMessageStream(OPTS);
    cut.chunk(say("a"));
    expect(events(cut.end())[0]?.data.error).toEqual({
      type: "api_error",
      message: "upstream stream ended before the response was complete",
    });
    const overloaded = createMessageStream(OPTS);
    expect(events(overloaded.error("server busy", 503))[0]?.data.error).toEqual({
      type: "overloaded_error",
      message: "server busy",
    });
    const done = createMessageStream(OPTS);
    done.chunk(chatDone());
    expect(done.end()).toBe("");
  });
});

describe("StopScanner", () => {
  test("holds back only what could begin a stop sequence, and finds the earliest one", () => {
    const s = new StopScanner(["</answer>", "\n\nHuman:"]);
    expect(s.push("The result</ans")).toEqual({ text: "The result", hit: null });
    expect(s.push("wer> tail")).toEqual({ text: "", hit: "</answer>" });
    const t = new StopScanner(["xyz", "yz"]);
    expect(t.push("a xyz")).toEqual({ text: "a ", hit: "xyz" });
    const u = new StopScanner(["\n\nHuman:"]);
    expect(u.push("line\n")).toEqual({ text: "line", hit: null });
    expect(u.push("more")).toEqual({ text: "\nmore", hit: null });
    expect(u.flush()).toBe("");
  });

  test("without stop sequences text passes straight through", () => {
    const s = new StopScanner([]);
    expect(s.push("STOP")).toEqual({ text: "STOP", hit: null });
  });
});
