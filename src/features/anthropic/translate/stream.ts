// Renders one streamed message: native /api/chat chunks in, Anthropic's event grammar out.
import type { ChatChunk } from "../../../wire/ollama.ts";
import { type AnswerOptions, createAnswerReader, type Step } from "./answer.ts";
import type { AnswerShape } from "./response.ts";
import { sseErrorEvent, sseEvent } from "./sse.ts";

export interface StreamOptions extends AnswerShape, AnswerOptions {}

export type StreamState = "open" | "done" | "failed";

export interface MessageStream {
  /** SSE text for one native chunk: zero or more events. Nothing once done or failed. */
  chunk(native: ChatChunk): string;
  /** A keep-alive while the proxy waits (a pull, a model load); `message_start` goes first. */
  ping(): string;
  /** An `error` event; nothing follows it. */
  error(message: string, status?: number): string;
  /** Call when the upstream ends: without its final chunk the stream is reported as failed. */
  end(): string;
  readonly state: StreamState;
}

export const TRUNCATED_STREAM_MESSAGE = "upstream stream ended before the response was complete";

export function createMessageStream(opts: StreamOptions): MessageStream {
  const read = createAnswerReader(opts);
  let state: StreamState = "open";
  let started = false;
  let open: { type: "text" | "thinking"; index: number } | null = null;
  let nextIndex = 0;

  const start = () => {
    if (started) return "";
    started = true;
    const message = {
      id: opts.id,
      type: "message",
      role: "assistant",
      model: opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The real count comes with the last chunk; until then Ollama's estimate, as Ollama sends it.
      usage: { input_tokens: opts.inputEstimate, output_tokens: 0 },
    };
    return sseEvent("message_start", { message });
  };
  const close = () => {
    if (!open) return "";
    const out = sseEvent("content_block_stop", { index: open.index });
    open = null;
    return out;
  };
  const delta = (type: "text" | "thinking", text: string) => {
    let out = "";
    if (open?.type !== type) {
      out += close();
      open = { type, index: nextIndex++ };
      const block = type === "text" ? { type, text: "" } : { type, thinking: "", signature: "" };
      out += sseEvent("content_block_start", { index: open.index, content_block: block });
    }
    const d = type === "text" ? { type: "text_delta", text } : { type: "thinking_delta", thinking: text };
    return out + sseEvent("content_block_delta", { index: open.index, delta: d });
  };
  const render = (step: Step): string => {
    switch (step.kind) {
      case "thinking":
      case "text":
        return delta(step.kind, step.text);
      case "tool_use": {
        // Ollama sends each call whole, so its arguments go out as one input_json_delta.
        const index = nextIndex++;
        const block = { type: "tool_use", id: step.id, name: step.name, input: {} };
        const partial = { type: "input_json_delta", partial_json: JSON.stringify(step.input) };
        return (
          close() +
          sseEvent("content_block_start", { index, content_block: block }) +
          sseEvent("content_block_delta", { index, delta: partial }) +
          sseEvent("content_block_stop", { index })
        );
      }
      case "end":
        state = "done";
        return (
          close() +
          sseEvent("message_delta", {
            delta: { stop_reason: step.reason, stop_sequence: step.sequence },
            usage: step.usage,
          }) +
          sseEvent("message_stop")
        );
    }
  };

  const error = (message: string, status = 500) => {
    if (state !== "open") return "";
    state = "failed";
    return sseErrorEvent(message, status);
  };

  return {
    chunk(native) {
      if (state !== "open") return "";
      if (typeof native.error === "string") return error(native.error);
      let out = start();
      for (const step of read(native)) out += render(step);
      return out;
    },
    ping: () => (state === "open" ? start() + sseEvent("ping") : ""),
    error,
    end: () => error(TRUNCATED_STREAM_MESSAGE, 502),
    get state() {
      return state;
    },
  };
}
