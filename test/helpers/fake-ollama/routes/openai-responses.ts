// POST /v1/responses as Ollama serves it (openai/responses.go, middleware/openai.go): the request becomes an
// /api/chat request, the chat handler runs, and its answer is converted back (events in the next file).
import type { Ctx } from "../context.ts";
import { decodeGoJson } from "../go-json.ts";
import { goJson, openaiError, SSE } from "../http.ts";
import { handleChat } from "./chat.ts";
import {
  type ChatAnswer,
  type ResponsesRequest,
  ResponsesStreamConverter,
  toResponse,
} from "./openai-responses-events.ts";

type Item = Record<string, unknown>;
type ChatMessage = Record<string, unknown> & { role: string; content?: string; tool_calls?: Item[] };

class RequestError extends Error {}

const IMAGE_PREFIXES = [
  "data:;base64,",
  ...["jpeg", "jpg", "png", "webp"].map((t) => `data:image/${t};base64,`),
];

function decodeImage(url: string): string {
  if (/^https?:\/\//.test(url)) {
    throw new RequestError("image URLs are not currently supported, please use base64 encoded data instead");
  }
  const prefix = IMAGE_PREFIXES.find((p) => url.startsWith(p));
  const data = prefix ? url.slice(prefix.length) : "";
  if (!prefix || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw new RequestError("invalid image input");
  }
  return data;
}

/** Texts concatenated with no separator; images as bare base64; files refused; file_id-only images skipped. */
function convertContent(content: unknown, at: string): { content: string; images: string[] } {
  if (content == null) return { content: "", images: [] };
  if (typeof content === "string") return { content, images: [] };
  if (!Array.isArray(content)) throw new RequestError(`${at}content must be a string or array`);
  let text = "";
  const images: string[] = [];
  content.forEach((part: Item, j) => {
    const type = String(part?.type ?? "");
    if (type === "input_text" || type === "output_text") text += String(part.text ?? "");
    else if (type === "input_image") {
      if (typeof part.image_url === "string" && part.image_url) images.push(decodeImage(part.image_url));
    } else if (type === "input_file") throw new RequestError("file inputs are not currently supported");
    else throw new RequestError(`${at}content[${j}]: unknown content type: ${type}`);
  });
  return { content: text, images };
}

const EFFORTS: Record<string, boolean | string> = {
  none: false,
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  max: "max",
  xhigh: "max",
  ultra: "max",
};

function convertTools(tools: Item[]): Item[] {
  return tools.flatMap((t): Item[] => {
    if (t.type === "namespace") {
      return convertTools((t.tools as Item[]) ?? []).map((m) => {
        const fn = m.function as Item;
        return { ...m, function: { ...fn, name: `${t.name}.${fn.name}` } };
      });
    }
    const fn: Item = { name: t.name, parameters: t.parameters ?? {} };
    if (typeof t.description === "string") fn.description = t.description;
    return [{ type: t.type, function: fn }];
  });
}

/** FromResponsesRequest: instructions, input items, options (temperature 1.0 when absent), tools, think, format. */
function toChatRequest(r: ResponsesRequest): Item {
  const messages: ChatMessage[] = [];
  if (r.instructions) messages.push({ role: "system", content: r.instructions });
  let pending = "";
  const items = Array.isArray(r.input) ? (r.input as Item[]) : [];
  if (typeof r.input === "string" && r.input) messages.push({ role: "user", content: r.input });
  else if (r.input != null && !Array.isArray(r.input))
    throw new RequestError("input must be a string or array");
  items.forEach((item, i) => {
    const at = `input[${i}]: `;
    const type = item.type ?? (item.role ? "message" : "");
    const last = messages.at(-1);
    if (type === "reasoning") pending = String(item.encrypted_content ?? "");
    else if (type === "message") {
      const { content, images } = convertContent(item.content, at);
      const msg: ChatMessage = { role: String(item.role), content, ...(images.length ? { images } : {}) };
      if (msg.role === "assistant" && pending) [msg.thinking, pending] = [pending, ""];
      messages.push(msg);
    } else if (type === "function_call") {
      let args = {};
      try {
        if (item.arguments) args = JSON.parse(String(item.arguments));
      } catch (e) {
        throw new RequestError(`failed to parse function call arguments: ${(e as Error).message}`);
      }
      const call = { id: item.call_id, function: { name: item.name, arguments: args } };
      const target = last?.role === "assistant" ? last : { role: "assistant", content: "" };
      target.tool_calls = [...(target.tool_calls ?? []), call];
      if (pending) [target.thinking, pending] = [pending, ""];
      if (target !== last) messages.push(target);
    } else if (type === "function_call_output") {
      const { content, images } = convertContent(item.output, at);
      messages.push({
        role: "tool",
        content,
        ...(images.length ? { images } : {}),
        tool_call_id: item.call_id,
      });
    } else if (type === "") throw new RequestError(`${at}input item missing required 'type' field`);
    else if (type !== "web_search_call")
      throw new RequestError(`${at}unknown input item type: ${JSON.stringify(type)}`);
  });
  if (pending) messages.push({ role: "assistant", content: "", thinking: pending });
  const options: Item = { temperature: r.temperature ?? 1.0 };
  if (r.top_p != null) options.top_p = r.top_p;
  if (r.max_output_tokens != null) options.num_predict = r.max_output_tokens;
  const effort = r.reasoning?.effort ?? "";
  const think = effort ? EFFORTS[effort] : undefined;
  if (effort && think === undefined)
    throw new RequestError(`invalid reasoning value: ${JSON.stringify(effort)}`);
  const chat: Item = { model: r.model ?? "", messages, options, stream: r.stream === true };
  if (r.tools?.length) chat.tools = convertTools(r.tools as Item[]);
  if (think !== undefined) chat.think = think;
  const format = r.text?.format;
  if (format?.type === "json_schema" && format.schema != null) chat.format = format.schema;
  return chat;
}

/** Non-NDJSON answers of the chat handler are errors: Ollama rewraps them in the /v1 envelope. */
async function rewrapError(res: Response): Promise<Response> {
  const text = await res.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {}
  return openaiError(res.status, message);
}

export async function handleV1Responses(ctx: Ctx): Promise<Response> {
  const decoded = decodeGoJson(ctx.bodyText);
  if (!decoded.ok) return openaiError(400, decoded.error);
  const request = (decoded.value ?? {}) as ResponsesRequest;
  let chat: Item;
  try {
    chat = toChatRequest(request);
  } catch (e) {
    if (e instanceof RequestError) return openaiError(400, e.message);
    throw e;
  }
  const res = await handleChat({ ...ctx, bodyText: JSON.stringify(chat) });
  if (res.status !== 200 || !res.body) return rewrapError(res);
  const responseId = `resp_${Math.floor(Math.random() * 999999)}`;
  const itemId = `msg_${Math.floor(Math.random() * 999999)}`;
  const model = request.model ?? "";
  if (chat.stream !== true) {
    const body = toResponse(model, responseId, itemId, (await res.json()) as ChatAnswer, request);
    return new Response(`${goJson(body)}\n`, { headers: { "content-type": "application/json" } });
  }
  const converter = new ResponsesStreamConverter(responseId, itemId, model, request);
  return new Response(res.body.pipeThrough(ndjsonToEvents(converter)), {
    headers: { "content-type": SSE, "cache-control": "no-cache" },
  });
}

/** Each NDJSON chunk becomes its events at once; a line that is an error decodes as an empty chunk. */
function ndjsonToEvents(converter: ResponsesStreamConverter): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffered = "";
  return new TransformStream({
    transform(bytes, controller) {
      buffered += decoder.decode(bytes, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) controller.enqueue(encoder.encode(converter.process(JSON.parse(line))));
        newline = buffered.indexOf("\n");
      }
    },
  });
}
