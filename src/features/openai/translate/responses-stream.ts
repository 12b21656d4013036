// Renders one streamed response: native /api/chat chunks in, the Responses API's SSE event grammar out.
import { openAIErrorType } from "../../../errors.ts";
import type { ChatChunk } from "../../../wire/ollama.ts";
import { StreamedItems } from "./responses-items.ts";
import { type ResponseShape, responseObject, responseUsage, statusFor } from "./responses-object.ts";
import { functionCall, outputLogprobs } from "./responses-output.ts";
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

export function createResponsesStreamRenderer(opts: ResponsesStreamOptions): ResponsesStreamRenderer {
  const { shape } = opts;
  let state: StreamState = "open";
  let seq = 0;
  let started = false;
  const emit = (type: string, fields: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`;
  const items = new StreamedItems(emit);
  const lifecycle = (type: string) =>
    emit(type, { response: responseObject(shape, { status: "in_progress", output: [] }) });
  // The first thing shown (a chunk, progress or a failure) opens the response.
  const start = () => {
    if (started) return "";
    started = true;
    return lifecycle("response.created") + lifecycle("response.in_progress");
  };

  const error = (message: string, status = 500, code: string | null = null): string => {
    if (state !== "open") return "";
    state = "failed";
    const failure = { code: code ?? (status >= 500 ? "server_error" : openAIErrorType(status)), message };
    const response = responseObject(shape, { status: "failed", output: items.soFar(), error: failure });
    return (
      start() +
      emit("response.failed", { response }) +
      emit("error", { code: failure.code, message, param: null })
    );
  };

  const chunk = (native: ChatChunk): string => {
    if (state !== "open") return "";
    if (typeof native.error === "string") return error(native.error);
    const message = native.message ?? {};
    let out = start();
    // The proxy's own progress item ends when the model's output begins.
    if (items.showingProgress) out += items.close();
    if (message.thinking) out += items.thinking(message.thinking, true);
    for (const call of message.tool_calls ?? []) out += items.call(functionCall(call, opts.namespaced));
    if (message.content) out += items.content(message.content, outputLogprobs(native.logprobs));
    if (native.done) {
      const status = statusFor(native.done_reason);
      out += items.close(status);
      const type = status === "incomplete" ? "response.incomplete" : "response.completed";
      const usage = responseUsage(native);
      out += emit(type, { response: responseObject(shape, { status, output: items.done, usage }) });
      state = "done";
    }
    return out;
  };

  const progress = (text: string): string => {
    if (state !== "open" || opts.progressStyle === "none") return "";
    if (opts.progressStyle === "reasoning") return start() + items.thinking(`${text}\n`, false);
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
