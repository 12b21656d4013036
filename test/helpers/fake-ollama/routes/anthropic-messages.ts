// POST /v1/messages as Ollama serves it: its Anthropic middleware in front of the ordinary /api/chat.
import type { Ctx } from "../context.ts";
import { decodeGoJson } from "../go-json.ts";
import { base64Error } from "../go-values.ts";
import { goJson } from "../http.ts";
import { findModel } from "../names.ts";
import { handleChat } from "./chat.ts";

type Obj = Record<string, unknown>;
type Block = Obj;
type NativeMessage = Obj;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : "");
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** anthropic.NewError: the envelope and its type by status, with a fresh request id. */
function anthropicError(status: number, message: string): Response {
  const types: Record<number, string> = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
  };
  const hex = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0"));
  const body = {
    type: "error",
    error: { type: types[status] ?? "api_error", message },
    request_id: `req_${hex.join("")}`,
  };
  return new Response(`${goJson(body)}\n`, { status, headers: { "content-type": "application/json" } });
}

class Refusal extends Error {}

/** Plain strings are one text block (MessageParam.UnmarshalJSON). */
function blocksOf(content: unknown): Block[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content.filter(isObj) : [];
}

function image(source: unknown): string {
  if (!isObj(source)) throw new Refusal("invalid image source");
  if (source.type !== "base64") {
    throw new Refusal(`invalid image source type: ${str(source.type)}. Only base64 images are supported.`);
  }
  const err = base64Error(str(source.data));
  if (err) throw new Refusal(`invalid base64 image data: ${err}`);
  return str(source.data);
}

function toolResultContent(content: unknown): { text: string; images: string[] } {
  if (typeof content === "string") return { text: content, images: [] };
  const out = { text: "", images: [] as string[] };
  for (const part of Array.isArray(content) ? content.filter(isObj) : []) {
    if (part.type === "text") out.text += str(part.text);
    if (part.type === "image") out.images.push(image(part.source));
  }
  return out;
}

/** convertMessage: tool results before a user message's own content, after any other role's. */
function convertMessage(message: Obj): NativeMessage[] {
  const role = str(message.role).toLowerCase();
  let text = "";
  let thinking = "";
  const images: string[] = [];
  const calls: Obj[] = [];
  const results: NativeMessage[] = [];
  for (const b of blocksOf(message.content)) {
    if (b.type === "text") text += str(b.text);
    else if (b.type === "image") images.push(image(b.source));
    else if (b.type === "tool_use") {
      if (!str(b.id)) throw new Refusal("tool_use block missing required 'id' field");
      if (!str(b.name)) throw new Refusal("tool_use block missing required 'name' field");
      calls.push({ id: b.id, function: { name: b.name, arguments: b.input ?? {} } });
    } else if (b.type === "tool_result") {
      const r = toolResultContent(b.content);
      results.push({ role: "tool", content: r.text, images: r.images, tool_call_id: str(b.tool_use_id) });
    } else if (b.type === "thinking") thinking = str(b.thinking);
    // Every other block type (document, redacted_thinking, …) is dropped, as Ollama does.
  }
  const own =
    text || images.length || calls.length || thinking
      ? [{ role, content: text, images, tool_calls: calls, thinking }]
      : [];
  return role === "user" ? [...results, ...own] : [...own, ...results];
}

function systemText(system: unknown): string {
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) return "";
  return system.map((b) => (isObj(b) && b.type === "text" ? str(b.text) : "")).join("");
}

/** anthropic.FromMessagesRequest, for what the fake's /api/chat reads. */
function toChatRequest(req: Obj): Obj {
  const system = systemText(req.system);
  const messages: NativeMessage[] = system ? [{ role: "system", content: system }] : [];
  for (const m of (req.messages as unknown[]).filter(isObj)) messages.push(...convertMessage(m));
  const options: Obj = { num_predict: req.max_tokens };
  for (const k of ["temperature", "top_p", "top_k"]) if (typeof req[k] === "number") options[k] = req[k];
  if (Array.isArray(req.stop_sequences) && req.stop_sequences.length) options.stop = req.stop_sequences;
  const tools = (Array.isArray(req.tools) ? req.tools.filter(isObj) : []).map((t) => {
    if (t.input_schema != null && !isObj(t.input_schema)) {
      throw new Refusal(
        `invalid input_schema for tool ${JSON.stringify(str(t.name))}: json: cannot unmarshal`,
      );
    }
    return {
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.input_schema },
    };
  });
  const chat: Obj = { model: req.model, messages, options, stream: req.stream === true };
  if (tools.length) chat.tools = tools;
  const thinking = isObj(req.thinking) ? req.thinking.type : undefined;
  const effort = isObj(req.output_config) ? str(req.output_config.effort).toLowerCase() : "";
  if (thinking === "enabled") chat.think = true;
  else if (thinking === "disabled") chat.think = false;
  else if (["low", "medium", "high", "max", "xhigh"].includes(effort))
    chat.think = effort === "xhigh" ? "high" : effort;
  return chat;
}

/** anthropic.EstimateInputTokens: bytes of the texts, tool blocks and tool definitions, over 4. */
function estimate(req: Obj): number {
  const blockLen = (b: Block) =>
    bytes(str(b.text)) +
    bytes(str(b.thinking)) +
    (b.type === "tool_use" || b.type === "tool_result" ? bytes(JSON.stringify(b)) : 0);
  let total =
    typeof req.system === "string"
      ? bytes(req.system)
      : blocksOf(req.system).reduce((n, b) => n + blockLen(b), 0);
  for (const m of (req.messages as unknown[]).filter(isObj))
    total += bytes(str(m.role)) + blocksOf(m.content).reduce((n, b) => n + blockLen(b), 0);
  for (const t of Array.isArray(req.tools) ? req.tools.filter(isObj) : [])
    total +=
      bytes(str(t.name)) +
      bytes(str(t.description)) +
      (t.input_schema ? bytes(JSON.stringify(t.input_schema)) : 0);
  return Math.floor(total / 4) || 1;
}

function stopReason(reason: unknown, tools: boolean): string {
  if (tools) return "tool_use";
  if (reason === "stop") return "end_turn";
  if (reason === "length") return "max_tokens";
  return reason ? "stop_sequence" : "";
}

/** anthropic.StreamConverter, one native chunk at a time. */
function streamConverter(id: string, model: string, estimated: number) {
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
function toMessage(id: string, chunk: Obj): Obj {
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
function toEvents(
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

export async function handleV1Messages(ctx: Ctx): Promise<Response> {
  const decoded = decodeGoJson(ctx.bodyText);
  if (!decoded.ok) return anthropicError(400, decoded.error);
  const req = (isObj(decoded.value) ? decoded.value : {}) as Obj;
  if (!str(req.model)) return anthropicError(400, "model is required");
  if (typeof req.max_tokens !== "number" || req.max_tokens <= 0) {
    return anthropicError(400, "max_tokens is required and must be positive");
  }
  if (!Array.isArray(req.messages) || req.messages.length === 0)
    return anthropicError(400, "messages is required");
  let chat: Obj;
  try {
    chat = toChatRequest(req);
  } catch (err) {
    if (err instanceof Refusal) return anthropicError(400, err.message);
    throw err;
  }
  // relax_thinking: ChatHandler drops `think` for a model that cannot think instead of refusing.
  const model = findModel(ctx.fake.models, str(req.model));
  if (
    model &&
    !model.capabilities.includes("thinking") &&
    (chat.think === true || typeof chat.think === "string")
  ) {
    delete chat.think;
  }
  const res = await handleChat({ ...ctx, bodyText: goJson(chat) });
  const hex = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0"));
  const id = `msg_${hex.join("")}`;
  if (res.status !== 200) {
    const text = await res.text();
    let message = text;
    try {
      message = str((JSON.parse(text) as Obj).error) || text;
    } catch {}
    return anthropicError(res.status, message);
  }
  if (req.stream !== true) {
    const body = toMessage(id, (await res.json()) as Obj);
    return new Response(`${goJson(body)}\n`, { headers: { "content-type": "application/json" } });
  }
  const events = toEvents(
    res.body as ReadableStream<Uint8Array>,
    streamConverter(id, str(req.model), estimate(req)),
  );
  return new Response(events, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
