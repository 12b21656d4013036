// POST /v1/messages as Ollama serves it: its Anthropic middleware in front of the ordinary /api/chat.
import type { Ctx } from "../context.ts";
import { decodeGoJson } from "../go-json.ts";
import { base64Error } from "../go-values.ts";
import { goJson } from "../http.ts";
import { findModel } from "../names.ts";
import {
  anthropicError,
  hexId,
  isObj,
  type Obj,
  str,
  streamConverter,
  toEvents,
  toMessage,
} from "./anthropic-writer.ts";
import { handleChat } from "./chat.ts";

type Block = Obj;
type NativeMessage = Obj;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

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
  const id = hexId("msg");
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
