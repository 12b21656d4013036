// Renders a turn for /v1 clients: SSE events through a stream renderer (with progress), or one object.
import type { Context } from "hono";
import { toProxyError } from "../../errors.ts";
import { foldTurn } from "../../pipeline/fold.ts";
import type { TurnEvent, TurnKind, TurnResult } from "../../pipeline/turn.ts";
import { type EventEncoder, eventBody, nextShown } from "../../streams/event-body.ts";
import type { AppEnv } from "../../types.ts";
import type { InferenceChunk } from "../../wire/ollama.ts";
import type { StreamRenderer } from "./translate/index.ts";

/** How waiting shows in a /v1 stream: SSE comments, `delta.reasoning`, or not at all. */
export type OpenAIProgressStyle = "comment" | "reasoning" | "none";

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const encoder = new TextEncoder();

export interface SseRenderOptions {
  kind: TurnKind;
  progressStyle: OpenAIProgressStyle;
  renderer: StreamRenderer<InferenceChunk>;
}

/** Streams the turn as SSE; the first shown event is awaited first so early errors keep their status. */
export async function renderSse(
  c: Context<AppEnv>,
  turn: TurnResult,
  opts: SseRenderOptions,
): Promise<Response> {
  const shows = (e: TurnEvent) => e.type !== "progress" || opts.progressStyle !== "none";
  const first = await nextShown(turn.events, shows);
  return new Response(eventBody(first, turn.events, sseEncoder(c, turn, opts)), { headers: SSE_HEADERS });
}

/** The whole turn as one native object, for a non-streaming /v1 answer. */
export function foldForOpenAI(kind: TurnKind, turn: TurnResult): Promise<InferenceChunk> {
  return foldTurn(kind, undefined, turn.events);
}

function sseEncoder(c: Context<AppEnv>, turn: TurnResult, opts: SseRenderOptions): EventEncoder<TurnEvent> {
  const { renderer } = opts;
  const bytes = (text: string) => (text ? encoder.encode(text) : null);
  return {
    get closed() {
      return renderer.state !== "open";
    },
    encode(event) {
      if (event.type === "chunk") return bytes(renderer.chunk(event.chunk));
      if (event.type === "progress") return bytes(progressText(turn, event.text, opts));
      throw new Error("a /v1 turn must be parsed, not relayed");
    },
    end: () => bytes(renderer.end()),
    fail(err) {
      const failure = toProxyError(err);
      c.set("streamError", failure);
      return encoder.encode(renderer.error(failure.message, failure.status));
    },
  };
}

/** SSE comments are ignored by every conforming parser; reasoning deltas show in clients that display them. */
function progressText(turn: TurnResult, text: string, opts: SseRenderOptions): string {
  if (opts.progressStyle === "none") return "";
  if (opts.progressStyle === "comment" || opts.kind === "generate")
    return `: ${text.replace(/\n/g, " ")}\n\n`;
  return opts.renderer.chunk({
    model: turn.model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: "", thinking: `${text}\n` },
    done: false,
  });
}
