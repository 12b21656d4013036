// Reading, making and folding native /api/chat and /api/generate response objects; never edits one.
import type { InferenceChunk, Logprob, ToolCall } from "../wire/ollama.ts";
import type { TurnKind } from "./turn.ts";

export function chunkContent(kind: TurnKind, chunk: InferenceChunk): string {
  const text = kind === "generate" ? chunk.response : chunk.message?.content;
  return typeof text === "string" ? text : "";
}

export function chunkThinking(kind: TurnKind, chunk: InferenceChunk): string {
  const text = kind === "generate" ? chunk.thinking : chunk.message?.thinking;
  return typeof text === "string" ? text : "";
}

/** A copy of `chunk` with other answer text. */
export function withContent(kind: TurnKind, chunk: InferenceChunk, text: string): InferenceChunk {
  if (kind === "generate") return { ...chunk, response: text };
  return { ...chunk, message: { role: "assistant", ...chunk.message, content: text } };
}

export interface Piece {
  content: string;
  thinking?: string;
}

/** A line the proxy writes itself; `createdAt` lets it follow the line before it in time. */
export function makeChunk(kind: TurnKind, model: string, piece: Piece, createdAt?: string): InferenceChunk {
  const created_at = createdAt ?? new Date().toISOString();
  if (kind === "generate") {
    const chunk: InferenceChunk = { model, created_at, response: piece.content, done: false };
    if (piece.thinking) chunk.thinking = piece.thinking;
    return chunk;
  }
  const message: InferenceChunk["message"] = { role: "assistant", content: piece.content };
  if (piece.thinking) message.thinking = piece.thinking;
  return { model, created_at, message, done: false };
}

export function makeDoneChunk(kind: TurnKind, model: string, createdAt?: string): InferenceChunk {
  return { ...makeChunk(kind, model, { content: "" }, createdAt), done: true, done_reason: "stop" };
}

/** Folds a stream of chunks into the single object Ollama returns for `"stream": false`. */
export class ChunkAggregator {
  private content = "";
  private thinking = "";
  private toolCalls: ToolCall[] = [];
  private logprobs: Logprob[] = [];
  private last: InferenceChunk | null = null;

  constructor(private readonly kind: TurnKind) {}

  add(chunk: InferenceChunk): void {
    this.content += chunkContent(this.kind, chunk);
    this.thinking += chunkThinking(this.kind, chunk);
    const calls = this.kind === "chat" ? chunk.message?.tool_calls : chunk.tool_calls;
    if (Array.isArray(calls)) this.toolCalls.push(...calls);
    if (Array.isArray(chunk.logprobs)) this.logprobs.push(...chunk.logprobs);
    this.last = chunk;
  }

  result(): InferenceChunk {
    const { thinking: _t, tool_calls: _c, logprobs: _l, ...base } = this.last ?? {};
    const out: InferenceChunk = { ...base };
    if (this.logprobs.length) out.logprobs = this.logprobs;
    if (this.kind === "generate") {
      out.response = this.content;
      if (this.thinking) out.thinking = this.thinking;
      if (this.toolCalls.length) out.tool_calls = this.toolCalls;
      return out;
    }
    const message: InferenceChunk["message"] = { role: "assistant", content: this.content };
    if (this.thinking) message.thinking = this.thinking;
    if (this.toolCalls.length) message.tool_calls = this.toolCalls;
    out.message = message;
    return out;
  }
}
