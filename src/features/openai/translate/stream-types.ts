// The contract both /v1 stream renderers (chat and legacy completions) implement.

export interface StreamRendererOptions {
  id: string;
  /** Unix seconds, pinned for the whole stream. */
  created: number;
  /** The model name the client asked for, echoed verbatim. */
  model: string;
  includeUsage: boolean;
}

export type StreamState = "open" | "done" | "failed";

export interface StreamRenderer<Chunk> {
  /** SSE text for one native chunk: zero, one or several events. Nothing once done or failed. */
  chunk(native: Chunk): string;
  /** An error event the openai client raises as APIError; no `[DONE]` follows. */
  error(message: string, status?: number): string;
  /** Call when upstream ends: if no `done` chunk came, the stream is reported as failed, not finished. */
  end(): string;
  readonly state: StreamState;
}

export const TRUNCATED_STREAM_MESSAGE = "upstream stream ended before the response was complete";
