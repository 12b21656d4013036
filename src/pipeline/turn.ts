// The dialect-neutral unit of work behind /api/chat, /api/generate and the /v1 chat routes.
import type { RequestInfo } from "../types.ts";

export type TurnKind = "chat" | "generate";
export type Dialect = "ollama" | "openai";

export interface ChatTurn {
  kind: TurnKind;
  dialect: Dialect;
  /** The native Ollama request body; unknown fields ride along untouched. */
  body: Record<string, unknown>;
  /** The client's own bytes (native routes): sent upstream as they are when nothing changed the body. */
  originalText?: string;
  /** Whether the client asked for a stream (the upstream may stream either way). */
  clientStream: boolean;
  /** The model as the client named it ("" when none). */
  requestedModel: string;
  /** The client's headers, passed upstream (minus hop-by-hop, Host rewritten) like on any other route. */
  headers: Headers;
  signal: AbortSignal;
  info: RequestInfo;
  /** The renderer needs parsed chunks (OpenAI dialect), so raw upstream bytes cannot be handed over. */
  needsChunks: boolean;
}

/** A native response object: an /api/chat or /api/generate chunk as JSON. */
export type NativeChunk = Record<string, unknown>;

export type TurnEvent =
  /** Waiting on something slow (a pull, a model load); how it shows is up to the dialect. */
  | { type: "progress"; text: string }
  /** The upstream's own answer, untouched: the fast path (may be an error status). */
  | { type: "upstream"; response: Response }
  | { type: "chunk"; chunk: NativeChunk }
  /** A failure after the turn started; ends the turn. */
  | { type: "error"; message: string; status: number };
