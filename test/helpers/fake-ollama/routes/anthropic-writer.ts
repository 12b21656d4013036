// The writer of Ollama's Anthropic middleware: native /api/chat answers and errors as Anthropic's.
import { goJson } from "../http.ts";

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown) => (typeof v === "string" ? v : "");

/** anthropic.generateID: the prefix and 12 random bytes in hex. */
export function hexId(prefix: string): string {
  const hex = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0"));
  return `${prefix}_${hex.join("")}`;
}

/** anthropic.NewError: the envelope and its type by status, with a fresh request id. */
export function anthropicError(status: number, message: string): Response {
  const types: Record<number, string> = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
  };
  const body = {
    type: "error",
    error: { type: types[status] ?? "api_error", message },
    request_id: hexId("req"),
  };
  return new Response(`${goJson(body)}\n`, { status, headers: { "content-type": "application/json" } });
}

function stopReason(reason: unknown, tools: boolean): string {
  if (tools) return "tool_use";
  if (reason === "stop") return "end_turn";
  if (reason === "length") return "max_tokens";
  return reason ? "stop_sequence" : "";
}

/** anthropic.StreamConverter, one native chunk at a time. */
export function streamConverter(id: string, model: string, estimated: number) {
  let first = true;
  let index = 0;
  let thinkingStarted = false;
  let thinkingDone = false;
  let textStarted = false;
  let tools = 0;
  const ev = (type: string, data: Obj) => `event: ${type}\ndata: ${goJson({ type, ...data })}\n\n`;
  const stop = () => ev("content_block_stop", { index });
  return (chunk: Obj): string => {
    const m = isObj(chunk.message) ? chunk.message : {};
    let out = "";
    if (first) {
      first = false;
      const usage = { input_tokens: (chunk.prompt_eval_count as number) || estimated, output_tokens: 0 };
      out += ev("message_start", {
        message: { id, type: "message", role: "assistant", model, content: [], usage },
      });
    }
    if (str(m.thinking) && !thinkingDone) {
      if (textStarted) [out, index, textStarted] = [out + stop(), index + 1, false];
      if (!thinkingStarted) {
        thinkingStarted = true;
        out += ev("content_block_start", { index, content_block: { type: "thinking", thinking: "" } });
      }
      out += ev("content_block_delta", { index, delta: { type: "thinking_delta", thinking: m.thinking } });
    }
    if (str(m.content)) {
      if (thinkingStarted && !thinkingDone) [out, index, thinkingDone] = [out + stop(), index + 1, true];
      if (!textStarted) {
        textStarted = true;
        out += ev("content_block_start", { index, content_block: { type: "text", text: "" } });
      }
      out += ev("content_block_delta", { index, delta: { type: "text_delta", text: m.content } });
    }
    for (const call of Array.isArray(m.tool_calls) ? m.tool_calls.filter(isObj) : []) {
      const fn = isObj(call.function) ? call.function : {};
      if (thinkingStarted && !thinkingDone) [out, index, thinkingDone] = [out + stop(), index + 1, true];
      if (textStarted) [out, index, textStarted] = [out + stop(), index + 1, false];
      const block = { type: "tool_use", id: call.id, name: fn.name, input: {} };
      out += ev("content_block_start", { index, content_block: block });
      out += ev("content_block_delta", {
        index,
        delta: { type: "input_json_delta", partial_json: goJson(fn.arguments ?? {}) },
      });
      out += stop();
      index++;
      tools++;
    }
    if (chunk.done === true) {
      if (textStarted || (thinkingStarted && !thinkingDone)) out += stop();
      const reason = stopReason(chunk.done_reason, tools > 0);
      const usage = { input_tokens: chunk.prompt_eval_count ?? 0, output_tokens: chunk.eval_count ?? 0 };
      out += ev("message_delta", { delta: reason ? { stop_reason: reason } : {}, usage });
      out += ev("message_stop", {});
    }
    return out;
  };
}

/** anthropic.ToMessagesResponse. */
export function toMessage(id: string, chunk: Obj): Obj {
  const m = isObj(chunk.message) ? chunk.message : {};
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls.filter(isObj) : [];
  const content: Obj[] = [];
  if (str(m.thinking)) content.push({ type: "thinking", thinking: m.thinking });
  if (str(m.content)) content.push({ type: "text", text: m.content });
  for (const c of calls) {
    const fn = isObj(c.function) ? c.function : {};
    content.push({ type: "tool_use", id: c.id, name: fn.name, input: fn.arguments ?? {} });
  }
  const reason = stopReason(chunk.done_reason, calls.length > 0);
  return {
    id,
    type: "message",
    role: "assistant",
    model: chunk.model,
    content: content.length ? content : null,
    ...(reason ? { stop_reason: reason } : {}),
    usage: { input_tokens: chunk.prompt_eval_count ?? 0, output_tokens: chunk.eval_count ?? 0 },
  };
}

/** The NDJSON body re-framed as Anthropic events, line by line (an error line decodes as an empty chunk). */
export function toEvents(
  body: ReadableStream<Uint8Array>,
  convert: (chunk: Obj) => string,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(bytes, controller) {
        pending += decoder.decode(bytes, { stream: true });
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines.filter((l) => l.trim())) {
          const out = convert(JSON.parse(line) as Obj);
          if (out) controller.enqueue(encoder.encode(out));
        }
      },
    }),
  );
}
