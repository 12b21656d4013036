// Reading and building native /api/chat and /api/generate response objects.
import type { NativeChunk, TurnKind } from "./turn.ts";

export function chunkContent(kind: TurnKind, chunk: NativeChunk): string {
  if (kind === "generate") return typeof chunk.response === "string" ? chunk.response : "";
  const message = chunk.message as { content?: unknown } | undefined;
  return typeof message?.content === "string" ? message.content : "";
}

export function chunkThinking(kind: TurnKind, chunk: NativeChunk): string {
  const source = kind === "generate" ? chunk : (chunk.message as Record<string, unknown> | undefined);
  return typeof source?.thinking === "string" ? source.thinking : "";
}

/** Replaces the answer text of a chunk in place (chunks are the pipeline's own objects). */
export function setChunkContent(kind: TurnKind, chunk: NativeChunk, text: string): void {
  if (kind === "generate") chunk.response = text;
  else {
    const message = (chunk.message as Record<string, unknown> | undefined) ?? { role: "assistant" };
    message.content = text;
    chunk.message = message;
  }
}

export function makeChunk(
  kind: TurnKind,
  model: string,
  piece: { content: string; thinking?: string },
  done = false,
): NativeChunk {
  const created_at = new Date().toISOString();
  if (kind === "generate") {
    const chunk: NativeChunk = { model, created_at, response: piece.content, done };
    if (piece.thinking) chunk.thinking = piece.thinking;
    return chunk;
  }
  const message: Record<string, unknown> = { role: "assistant", content: piece.content };
  if (piece.thinking) message.thinking = piece.thinking;
  return { model, created_at, message, done };
}

export function makeDoneChunk(kind: TurnKind, model: string, doneReason = "stop"): NativeChunk {
  return { ...makeChunk(kind, model, { content: "" }, true), done_reason: doneReason };
}

/** Folds a stream of chunks into the single object Ollama returns for `"stream": false`. */
export class ChunkAggregator {
  private content = "";
  private thinking = "";
  private toolCalls: unknown[] = [];
  private logprobs: unknown[] = [];
  private last: NativeChunk | null = null;

  constructor(private readonly kind: TurnKind) {}

  add(chunk: NativeChunk): void {
    this.content += chunkContent(this.kind, chunk);
    this.thinking += chunkThinking(this.kind, chunk);
    const calls =
      this.kind === "chat"
        ? (chunk.message as { tool_calls?: unknown[] } | undefined)?.tool_calls
        : chunk.tool_calls;
    if (Array.isArray(calls)) this.toolCalls.push(...calls);
    if (Array.isArray(chunk.logprobs)) this.logprobs.push(...chunk.logprobs);
    this.last = chunk;
  }

  result(): NativeChunk {
    const base: NativeChunk = { ...(this.last ?? {}) };
    if (this.logprobs.length) base.logprobs = this.logprobs;
    if (this.kind === "generate") {
      base.response = this.content;
      if (this.thinking) base.thinking = this.thinking;
      else delete base.thinking;
      if (this.toolCalls.length) base.tool_calls = this.toolCalls;
      return base;
    }
    const message: Record<string, unknown> = { role: "assistant", content: this.content };
    if (this.thinking) message.thinking = this.thinking;
    if (this.toolCalls.length) message.tool_calls = this.toolCalls;
    base.message = message;
    return base;
  }
}
