// Renders one streamed response: native /api/chat chunks in, the Responses API's SSE event grammar out.
import { openAIErrorType } from "../../../errors.ts";
import type { ChatChunk } from "../../../wire/ollama.ts";
import { newResponsesId } from "./ids.ts";
import { type ResponseShape, responseObject, responseUsage, statusFor } from "./responses-object.ts";
import {
  type FunctionCall,
  functionCall,
  functionCallItem,
  type ItemStatus,
  messageItem,
  outputLogprobs,
  outputText,
  reasoningItem,
} from "./responses-output.ts";
import type { NamespacedName } from "./responses-tools.ts";
import { type StreamState, TRUNCATED_STREAM_MESSAGE } from "./stream-types.ts";

/** How waiting shows: `response.in_progress` events (plus an SSE comment), reasoning summary text, or not. */
export type ResponsesProgressStyle = "comment" | "reasoning" | "none";

export interface ResponsesStreamOptions {
  shape: ResponseShape;
  namespaced: ReadonlyMap<string, NamespacedName>;
  progressStyle: ResponsesProgressStyle;
}

export interface ResponsesStreamRenderer {
  progress(text: string): string;
  chunk(native: ChatChunk): string;
  /** `response.failed`, then an `error` event (which the openai client raises as APIError). */
  error(message: string, status?: number, code?: string | null): string;
  /** Call when upstream ends: without a `done` chunk the response failed, it did not complete. */
  end(): string;
  readonly state: StreamState;
}

type Open =
  /** `replayable` is false for the proxy's own progress text, which is not the model's thinking. */
  | { kind: "reasoning"; id: string; index: number; text: string; replayable: boolean }
  | { kind: "message"; id: string; index: number; text: string; logprobs: unknown[] };

export function createResponsesStreamRenderer(opts: ResponsesStreamOptions): ResponsesStreamRenderer {
  const { shape } = opts;
  let state: StreamState = "open";
  let seq = 0;
  let started = false;
  let nextIndex = 0;
  let open: Open | null = null;
  const items: unknown[] = [];

  const event = (type: string, fields: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`;
  const lifecycle = (type: string) =>
    event(type, { response: responseObject(shape, { status: "in_progress", output: [] }) });
  const start = () => {
    if (started) return "";
    started = true;
    return lifecycle("response.created") + lifecycle("response.in_progress");
  };
  const at = (o: Open) => ({ item_id: o.id, output_index: o.index });

  const openReasoning = (replayable: boolean) => {
    const o: Open = { kind: "reasoning", id: newResponsesId("rs"), index: nextIndex++, text: "", replayable };
    open = o;
    return (
      event("response.output_item.added", { output_index: o.index, item: reasoningItem(o.id, null) }) +
      event("response.reasoning_summary_part.added", {
        ...at(o),
        summary_index: 0,
        part: { type: "summary_text", text: "" },
      })
    );
  };
  const openMessage = () => {
    const o: Open = {
      kind: "message",
      id: newResponsesId("msg"),
      index: nextIndex++,
      text: "",
      logprobs: [],
    };
    open = o;
    return (
      event("response.output_item.added", {
        output_index: o.index,
        item: messageItem(o.id, "in_progress", null),
      }) + event("response.content_part.added", { ...at(o), content_index: 0, part: outputText("") })
    );
  };
  const close = (status: ItemStatus = "completed") => {
    const o = open;
    if (!o) return "";
    open = null;
    if (o.kind === "reasoning") {
      const item = reasoningItem(o.id, o.text, o.replayable);
      items.push(item);
      const part = { type: "summary_text", text: o.text };
      return (
        event("response.reasoning_summary_text.done", { ...at(o), summary_index: 0, text: o.text }) +
        event("response.reasoning_summary_part.done", { ...at(o), summary_index: 0, part }) +
        event("response.output_item.done", { output_index: o.index, item })
      );
    }
    const item = messageItem(o.id, status, o.text, o.logprobs);
    items.push(item);
    return (
      event("response.output_text.done", { ...at(o), content_index: 0, text: o.text, logprobs: o.logprobs }) +
      event("response.content_part.done", {
        ...at(o),
        content_index: 0,
        part: outputText(o.text, o.logprobs),
      }) +
      event("response.output_item.done", { output_index: o.index, item })
    );
  };
  const thinking = (text: string, replayable: boolean) => {
    let out = "";
    if (open?.kind !== "reasoning" || open.replayable !== replayable)
      out += close() + openReasoning(replayable);
    const o = open as unknown as Extract<Open, { kind: "reasoning" }>;
    o.text += text;
    return out + event("response.reasoning_summary_text.delta", { ...at(o), summary_index: 0, delta: text });
  };
  const content = (text: string, logprobs: unknown[]) => {
    let out = "";
    if (open?.kind !== "message") out += close() + openMessage();
    const o = open as unknown as Extract<Open, { kind: "message" }>;
    o.text += text;
    o.logprobs.push(...logprobs);
    return out + event("response.output_text.delta", { ...at(o), content_index: 0, delta: text, logprobs });
  };
  const call = (fc: FunctionCall) => {
    const index = nextIndex++;
    const item = functionCallItem(fc, "completed");
    items.push(item);
    const where = { item_id: fc.id, output_index: index };
    return (
      event("response.output_item.added", {
        output_index: index,
        item: { ...functionCallItem(fc, "in_progress"), arguments: "" },
      }) +
      event("response.function_call_arguments.delta", { ...where, delta: fc.arguments }) +
      event("response.function_call_arguments.done", { ...where, name: fc.name, arguments: fc.arguments }) +
      event("response.output_item.done", { output_index: index, item })
    );
  };

  const error = (message: string, status = 500, code: string | null = null): string => {
    if (state !== "open") return "";
    state = "failed";
    let out = start();
    const o = open as Open | null;
    const output = [...items];
    if (o?.kind === "reasoning") output.push(reasoningItem(o.id, o.text, o.replayable));
    if (o?.kind === "message") output.push(messageItem(o.id, "incomplete", o.text, o.logprobs));
    const failure = { code: code ?? (status >= 500 ? "server_error" : openAIErrorType(status)), message };
    out += event("response.failed", {
      response: responseObject(shape, { status: "failed", output, error: failure }),
    });
    return out + event("error", { code: failure.code, message, param: null });
  };

  const chunk = (native: ChatChunk): string => {
    if (state !== "open") return "";
    if (typeof native.error === "string") return error(native.error);
    const message = native.message ?? {};
    let out = start();
    // The proxy's own progress item ends when the model's output begins.
    if (open?.kind === "reasoning" && !open.replayable) out += close();
    if (message.thinking) out += thinking(message.thinking, true);
    for (const tc of message.tool_calls ?? []) out += close() + call(functionCall(tc, opts.namespaced));
    if (message.content) out += content(message.content, outputLogprobs(native.logprobs));
    if (native.done) {
      const status = statusFor(native.done_reason);
      out += close(status);
      const type = status === "incomplete" ? "response.incomplete" : "response.completed";
      const usage = responseUsage(native);
      out += event(type, { response: responseObject(shape, { status, output: items, usage }) });
      state = "done";
    }
    return out;
  };

  const progress = (text: string): string => {
    if (state !== "open" || opts.progressStyle === "none") return "";
    if (opts.progressStyle === "reasoning") return start() + thinking(`${text}\n`, false);
    // Comments are ignored by every SSE parser; the event keeps event-driven idle timers (Codex's) alive.
    const comment = `: ${text.replace(/\n/g, " ")}\n\n`;
    return started ? comment + lifecycle("response.in_progress") : start() + comment;
  };

  return {
    progress,
    chunk,
    error,
    end: () => error(TRUNCATED_STREAM_MESSAGE, 502),
    get state() {
      return state;
    },
  };
}
