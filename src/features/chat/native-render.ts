// Renders a turn's events as Ollama does: raw upstream bytes on the fast path, else NDJSON or one object.
import type { Context } from "hono";
import { ProxyError } from "../../errors.ts";
import { meteredResponse } from "../../middleware/stream-meter.ts";
import { ChunkAggregator, makeChunk } from "../../pipeline/native-chunks.ts";
import type { ChatTurn, TurnEvent } from "../../pipeline/turn.ts";
import { errorFrameFor, ndjsonErrorLine } from "../../streams/error-frames.ts";
import { ndjsonLine } from "../../streams/ndjson.ts";
import type { AppEnv } from "../../types.ts";
import { upstreamErrorMessage } from "../../upstream/client.ts";
import { describeNetworkError } from "../../upstream/network-error.ts";

export interface NativeRenderOptions {
  upstreamUrl: string;
  /** How waiting shows in a native stream: empty chunks, or the progress text as `thinking`. */
  progressStyle: "empty" | "thinking" | "none";
}

const NDJSON_HEADERS = { "content-type": "application/x-ndjson" };

export async function renderNative(
  c: Context<AppEnv>,
  turn: ChatTurn,
  events: AsyncGenerator<TurnEvent>,
  opts: NativeRenderOptions,
): Promise<Response> {
  // Errors raised before the first event still have a status line to use: they propagate to onError.
  const first = await events.next();
  if (first.done) throw new Error("the pipeline produced no answer");
  const event = first.value;
  if (event.type === "upstream") return relayUpstream(c, event.response, opts);
  if (!turn.clientStream) return c.json(await fold(turn, event, events));

  let upstreamReader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let pendingFirst: TurnEvent | null = event;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Each pull must enqueue or close, else the reader waits forever: loop past events that
          // produce no bytes (hidden progress, the hand-over to the upstream's own body).
          for (;;) {
            if (upstreamReader) {
              const { done, value } = await upstreamReader.read();
              if (done) controller.close();
              else controller.enqueue(value);
              return;
            }
            const next = pendingFirst ?? (await events.next()).value;
            pendingFirst = null;
            if (!next) return controller.close();
            if (next.type === "progress") {
              if (opts.progressStyle === "none") continue;
              return controller.enqueue(progressLine(turn, next.text, opts.progressStyle));
            }
            if (next.type === "chunk") return controller.enqueue(ndjsonLine(next.chunk));
            if (next.type === "error") {
              controller.enqueue(ndjsonErrorLine(next.message));
              return controller.close();
            }
            if (next.response.ok && next.response.body) {
              upstreamReader = next.response.body.getReader();
              continue;
            }
            // The upstream refused after we already answered 200 with progress: say so in-band.
            const text = await next.response.text();
            controller.enqueue(ndjsonErrorLine(upstreamErrorMessage(text, next.response.status)));
            return controller.close();
          }
        } catch (err) {
          controller.enqueue(ndjsonErrorLine(messageOf(err, opts.upstreamUrl)));
          controller.close();
        }
      },
      async cancel(reason) {
        await upstreamReader?.cancel(reason).catch(() => {});
        await events.return(undefined).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return meteredResponse(c, new Response(body, { headers: NDJSON_HEADERS }));
}

function relayUpstream(c: Context<AppEnv>, res: Response, opts: NativeRenderOptions): Response {
  const frame = errorFrameFor(res.headers.get("content-type"));
  const describe = (err: unknown) =>
    `upstream Ollama at ${opts.upstreamUrl} broke off the response: ${describeNetworkError(err)}`;
  return meteredResponse(c, res, {
    describe,
    errorFrame: frame ? (err) => frame(describe(err)) : undefined,
  });
}

async function fold(
  turn: ChatTurn,
  first: TurnEvent,
  rest: AsyncGenerator<TurnEvent>,
): Promise<Record<string, unknown>> {
  const aggregator = new ChunkAggregator(turn.kind);
  let event: TurnEvent | undefined = first;
  while (event) {
    if (event.type === "chunk") aggregator.add(event.chunk);
    else if (event.type === "error") throw new ProxyError(event.status, event.message, "upstream");
    event = (await rest.next()).value ?? undefined;
  }
  return aggregator.result();
}

function progressLine(turn: ChatTurn, text: string, style: "empty" | "thinking" | "none"): Uint8Array {
  const model = String(turn.body.model ?? turn.requestedModel);
  return ndjsonLine(
    makeChunk(
      turn.kind,
      model,
      style === "thinking" ? { content: "", thinking: `${text}\n` } : { content: "" },
    ),
  );
}

function messageOf(err: unknown, upstreamUrl: string): string {
  if (err instanceof ProxyError) return err.message;
  return `the proxy could not finish the answer from ${upstreamUrl}: ${describeNetworkError(err)}`;
}
