// Ollama's Responses answers (openai/responses.go): ToResponse for one object, ResponsesStreamConverter for SSE.
// Stream payloads are Go maps, so their keys come out sorted; the one-shot answer follows the struct order.
import { goJson } from "../http.ts";

type Item = Record<string, unknown>;

export interface ResponsesRequest {
  model?: string;
  input?: unknown;
  instructions?: string;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  truncation?: string;
  background?: boolean;
  stream?: boolean;
  reasoning?: { effort?: string; summary?: string };
  text?: { format?: { type: string; name?: string; schema?: unknown; strict?: boolean } };
  tools?: Item[];
}

export interface ChatAnswer {
  created_at?: string;
  message?: { content?: string; thinking?: string; tool_calls?: Array<{ id?: string; function: Item }> };
  done?: boolean;
  prompt_eval_count?: number;
  eval_count?: number;
}

/** Go's encoding/json marshals map keys in sorted order, at every level. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)]));
}

const rand = () => Math.floor(Math.random() * 999999);
const unix = (ms = Date.now()) => Math.floor(ms / 1000);
const outputText = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });
const usageOf = (r: ChatAnswer) => ({
  input_tokens: r.prompt_eval_count ?? 0,
  output_tokens: r.eval_count ?? 0,
  total_tokens: (r.prompt_eval_count ?? 0) + (r.eval_count ?? 0),
  input_tokens_details: { cached_tokens: 0 },
  output_tokens_details: { reasoning_tokens: 0 },
});

interface Varying {
  id: string;
  model: string;
  status: string;
  output: unknown[];
  usage: unknown;
  createdAt: number;
  completedAt: number | null;
  /** The one-shot answer omits an unset effort or summary; the stream's map sends them as null. */
  reasoning: Item | null;
}

/** The response object in ResponsesResponse's field order (a stream's map is sorted on the way out). */
function responseObject(req: ResponsesRequest, v: Varying): Item {
  const tools = (req.tools ?? []).map((t) => ({
    type: t.type,
    name: t.name,
    description: t.description ?? null,
    strict: t.strict ?? null,
    parameters: t.parameters ?? null,
  }));
  return {
    id: v.id,
    object: "response",
    created_at: v.createdAt,
    completed_at: v.completedAt,
    status: v.status,
    incomplete_details: null,
    model: v.model,
    previous_response_id: null,
    instructions: req.instructions || null,
    output: v.output,
    error: null,
    tools,
    tool_choice: "auto",
    truncation: req.truncation ?? "disabled",
    parallel_tool_calls: true,
    text: { format: req.text?.format ?? { type: "text" } },
    top_p: req.top_p ?? 1,
    presence_penalty: 0,
    frequency_penalty: 0,
    top_logprobs: 0,
    temperature: req.temperature ?? 1,
    reasoning: v.reasoning,
    usage: v.usage,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: null,
    store: false,
    background: req.background ?? false,
    service_tier: "default",
    metadata: {},
    safety_identifier: null,
    prompt_cache_key: null,
  };
}

/** ToResponse; tool calls replace the message item (its text is dropped). */
export function toResponse(
  model: string,
  id: string,
  itemId: string,
  chat: ChatAnswer,
  req: ResponsesRequest,
) {
  const m = chat.message ?? {};
  const output: Item[] = [];
  if (m.thinking) {
    const summary = [{ type: "summary_text", text: m.thinking }];
    output.push({ id: `rs_${id}`, type: "reasoning", summary, encrypted_content: m.thinking });
  }
  const calls = m.tool_calls ?? [];
  calls.forEach((c, i) => {
    const args = JSON.stringify(c.function.arguments);
    const call = { call_id: c.id, name: c.function.name, arguments: args };
    output.push({ id: `fc_${id}_${i}`, type: "function_call", status: "completed", ...call });
  });
  if (calls.length === 0) {
    const content = [outputText(m.content ?? "")];
    output.push({ id: itemId, type: "message", status: "completed", role: "assistant", content });
  }
  const { effort, summary } = req.reasoning ?? {};
  const reasoning =
    effort || summary ? { ...(effort ? { effort } : {}), ...(summary ? { summary } : {}) } : null;
  const createdAt = unix(chat.created_at ? Date.parse(chat.created_at) : Date.now());
  const usage = usageOf(chat);
  return responseObject(req, {
    id,
    model,
    status: "completed",
    output,
    usage,
    createdAt,
    completedAt: unix(),
    reasoning,
  });
}

/** ResponsesStreamConverter: no summary parts, no incomplete or failed events, text ignored after tool calls. */
export class ResponsesStreamConverter {
  private seq = 0;
  private first = true;
  private outputIndex = 0;
  private text = "";
  private contentStarted = false;
  private toolCallsSent = false;
  private thinking = "";
  private reasoningId = "";
  private completed: Item[] = [];

  constructor(
    private readonly id: string,
    private readonly itemId: string,
    private readonly model: string,
    private readonly req: ResponsesRequest,
  ) {}

  private event(type: string, data: Item): string {
    const payload = sortedKeys({ ...data, type, sequence_number: this.seq++ });
    return `event: ${type}\ndata: ${goJson(payload)}\n\n`;
  }

  private response(status: string, output: unknown[], usage: unknown): Item {
    const r = this.req.reasoning;
    const reasoning =
      r?.effort || r?.summary ? { effort: r.effort || null, summary: r.summary || null } : null;
    const [id, model, createdAt] = [this.id, this.model, unix()];
    return responseObject(this.req, {
      id,
      model,
      status,
      output,
      usage,
      createdAt,
      completedAt: null,
      reasoning,
    });
  }

  private message(status: string, content: unknown[]): Item {
    return { id: this.itemId, type: "message", status, role: "assistant", content };
  }

  private finishReasoning(): string {
    if (!this.reasoningId) return "";
    const text = this.thinking;
    const item = { id: this.reasoningId, type: "reasoning", summary: [{ type: "summary_text", text }] };
    const done = { ...item, encrypted_content: text };
    this.completed.push(done);
    const at = { item_id: this.reasoningId, output_index: this.outputIndex, summary_index: 0 };
    [this.reasoningId, this.thinking] = ["", ""];
    const out =
      this.event("response.reasoning_summary_text.done", { ...at, text }) +
      this.event("response.output_item.done", { output_index: this.outputIndex, item: done });
    this.outputIndex++;
    return out;
  }

  process(r: ChatAnswer): string {
    const m = r.message ?? {};
    let out = "";
    if (this.first) {
      this.first = false;
      for (const type of ["response.created", "response.in_progress"])
        out += this.event(type, { response: this.response("in_progress", [], null) });
    }
    if (m.thinking) {
      if (!this.reasoningId) {
        this.reasoningId = `rs_${rand()}`;
        const item = { id: this.reasoningId, type: "reasoning", summary: [] };
        out += this.event("response.output_item.added", { output_index: this.outputIndex, item });
      }
      this.thinking += m.thinking;
      const at = { item_id: this.reasoningId, output_index: this.outputIndex, summary_index: 0 };
      out += this.event("response.reasoning_summary_text.delta", { ...at, delta: m.thinking });
    }
    const calls = m.tool_calls ?? [];
    if (calls.length) {
      out += this.finishReasoning();
      calls.forEach((c, i) => {
        const index = this.outputIndex + i;
        const id = `fc_${rand()}_${i}`;
        const args = JSON.stringify(c.function.arguments);
        const base = { id, type: "function_call", call_id: c.id, name: c.function.name };
        const item = { ...base, status: "completed", arguments: args };
        this.completed.push(item);
        const at = { item_id: id, output_index: index };
        out +=
          this.event("response.output_item.added", {
            output_index: index,
            item: { ...base, status: "in_progress", arguments: "" },
          }) +
          this.event("response.function_call_arguments.delta", { ...at, delta: args }) +
          this.event("response.function_call_arguments.done", { ...at, arguments: args }) +
          this.event("response.output_item.done", { output_index: index, item });
      });
      this.outputIndex += calls.length;
      this.toolCallsSent = true;
    }
    if (!calls.length && !this.toolCallsSent && m.content) {
      out += this.finishReasoning();
      const at = { item_id: this.itemId, output_index: this.outputIndex, content_index: 0 };
      if (!this.contentStarted) {
        this.contentStarted = true;
        const item = this.message("in_progress", []);
        out += this.event("response.output_item.added", { output_index: this.outputIndex, item });
        out += this.event("response.content_part.added", { ...at, part: outputText("") });
      }
      this.text += m.content;
      out += this.event("response.output_text.delta", { ...at, delta: m.content, logprobs: [] });
    }
    if (r.done) out += this.complete(r);
    return out;
  }

  private complete(r: ChatAnswer): string {
    let out = this.finishReasoning();
    const output = [...this.completed];
    if (!this.toolCallsSent && this.contentStarted) {
      const at = { item_id: this.itemId, output_index: this.outputIndex, content_index: 0 };
      const item = this.message("completed", [outputText(this.text)]);
      out +=
        this.event("response.output_text.done", { ...at, text: this.text, logprobs: [] }) +
        this.event("response.content_part.done", { ...at, part: outputText(this.text) }) +
        this.event("response.output_item.done", { output_index: this.outputIndex, item });
    }
    if (this.contentStarted) output.push(this.message("completed", [outputText(this.text)]));
    const response = { ...this.response("completed", output, usageOf(r)), completed_at: unix() };
    return out + this.event("response.completed", { response });
  }
}
