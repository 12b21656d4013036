// Renders a turn's events for /v1 clients: SSE chunks (with progress) or one JSON object.
import type { Context } from "hono";
import { ProxyError } from "../../errors.ts";
import { meteredResponse } from "../../middleware/stream-meter.ts";
import { ChunkAggregator } from "../../pipeline/native-chunks.ts";
import type { ChatTurn, NativeChunk, TurnEvent } from "../../pipeline/turn.ts";
import type { AppEnv } from "../../types.ts";
import type { StreamRenderer } from "./translate/index.ts";

export type OpenAIProgressStyle = "comment" | "reasoning" | "none";

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const encoder = new TextEncoder();

export interface SseRenderOptions {
  progressStyle: OpenAIProgressStyle;
  renderer: StreamRenderer<NativeChunk>;
}

/** Streams events as SSE; the first event is awaited first so early errors keep their HTTP status. */
export async function renderSse(
  c: Context<AppEnv>,
  turn: ChatTurn,
  events: AsyncGenerator<TurnEvent>,
  opts: SseRenderOptions,
): Promise<Response> {
  const { renderer } = opts;
  let pending: TurnEvent | null = (await events.next()).value ?? null;
  let finished = pending === null;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // A pull must enqueue something or close: an event that renders to nothing (text held back
          // by an agent) is followed by the next one, or the reader would wait forever.
          for (;;) {
            const event = pending ?? (finished ? null : ((await events.next()).value ?? null));
            pending = null;
            if (!event) {
              finished = true;
              const tail = renderer.end();
              if (tail) controller.enqueue(encoder.encode(tail));
              return controller.close();
            }
            const text = eventText(turn, event, opts);
            if (text) controller.enqueue(encoder.encode(text));
            if (renderer.state !== "open") return controller.close();
            if (text) return;
          }
        } catch (err) {
          const status = err instanceof ProxyError ? err.status : 500;
          controller.enqueue(
            encoder.encode(renderer.error(err instanceof Error ? err.message : String(err), status)),
          );
          controller.close();
        }
      },
      async cancel() {
        await events.return(undefined).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return meteredResponse(c, new Response(body, { headers: SSE_HEADERS }));
}

function eventText(turn: ChatTurn, event: TurnEvent, opts: SseRenderOptions): string {
  switch (event.type) {
    case "chunk":
      return opts.renderer.chunk(event.chunk);
    case "error":
      return opts.renderer.error(event.message, event.status);
    case "progress":
      return progressText(turn, event.text, opts);
    case "upstream":
      throw new Error("an OpenAI turn must be parsed, not relayed");
  }
}

/** SSE comments are ignored by every conforming parser; reasoning deltas show in clients that display them. */
function progressText(turn: ChatTurn, text: string, opts: SseRenderOptions): string {
  if (opts.progressStyle === "none") return "";
  if (opts.progressStyle === "comment" || turn.kind === "generate")
    return `: ${text.replace(/\n/g, " ")}\n\n`;
  return opts.renderer.chunk({
    model: turn.requestedModel,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: "", thinking: `${text}\n` },
    done: false,
  });
}

/** Folds the whole turn into one native object for a non-streaming /v1 answer. */
export async function foldTurn(turn: ChatTurn, events: AsyncGenerator<TurnEvent>): Promise<NativeChunk> {
  const aggregator = new ChunkAggregator(turn.kind);
  let sawDone = false;
  for await (const event of events) {
    if (event.type === "chunk") {
      aggregator.add(event.chunk);
      if (event.chunk.done === true) sawDone = true;
    } else if (event.type === "error") throw new ProxyError(event.status, event.message, "upstream");
  }
  if (!sawDone) throw new ProxyError(502, "the upstream answer ended before it was complete", "upstream");
  return aggregator.result();
}
