// Renders a turn as Ollama does: the upstream's own response on the fast path, else NDJSON or one object.
import type { Context } from "hono";
import { ProxyError, toProxyError } from "../../errors.ts";
import { makeChunk } from "../../pipeline/chunks.ts";
import { foldTurn } from "../../pipeline/fold.ts";
import type { TurnEvent, TurnKind, TurnResult } from "../../pipeline/turn.ts";
import { ndjsonErrorLine } from "../../streams/error-frames.ts";
import { type EventEncoder, eventBody, nextShown } from "../../streams/event-body.ts";
import { ndjsonLine } from "../../streams/ndjson.ts";
import type { AppEnv } from "../../types.ts";
import { upstreamErrorMessage } from "../../upstream/client.ts";
import { upstreamBrokeOff } from "../../upstream/network-error.ts";

/** How waiting shows in a native stream: empty chunks, the progress text as `thinking`, or not at all. */
export type NativeProgressStyle = "empty" | "thinking" | "none";

export interface NativeRenderOptions {
  kind: TurnKind;
  clientStream: boolean;
  progressStyle: NativeProgressStyle;
  upstreamUrl: string;
}

const NDJSON_HEADERS = { "content-type": "application/x-ndjson" };

export async function renderNative(
  c: Context<AppEnv>,
  turn: TurnResult,
  opts: NativeRenderOptions,
): Promise<Response> {
  const showsProgress = opts.clientStream && opts.progressStyle !== "none";
  // Until something is shown the status line is still free: errors keep their status (onError).
  const first = await nextShown(turn.events, (e) => e.type !== "progress" || showsProgress);
  if (first?.type === "upstream") return first.response;
  if (!opts.clientStream) return c.json(await foldTurn(opts.kind, first, turn.events));
  const encoder = nativeEncoder(c, turn, opts, showsProgress);
  return new Response(eventBody(first, turn.events, encoder), { headers: NDJSON_HEADERS });
}

function nativeEncoder(
  c: Context<AppEnv>,
  turn: TurnResult,
  opts: NativeRenderOptions,
  showsProgress: boolean,
): EventEncoder<TurnEvent> {
  const encoder: EventEncoder<TurnEvent> & { closed: boolean } = {
    closed: false,
    encode(event) {
      switch (event.type) {
        case "progress":
          return showsProgress ? progressLine(opts, turn.model, event.text) : null;
        case "chunk":
          return ndjsonLine(event.chunk);
        case "upstream": {
          const res = event.response;
          if (res.ok && res.body) return res.body;
          // The upstream refused after progress already answered 200: say so in-band.
          encoder.closed = true;
          return res.text().then((text) => {
            const message = upstreamErrorMessage(text, res.status);
            c.set("streamError", new ProxyError(res.status, message, "upstream"));
            return ndjsonErrorLine(message);
          });
        }
      }
    },
    end: () => null,
    fail(err) {
      const failure = toProxyError(upstreamBrokeOff(opts.upstreamUrl, err));
      c.set("streamError", failure);
      return ndjsonErrorLine(failure.message);
    },
  };
  return encoder;
}

function progressLine(opts: NativeRenderOptions, model: string, text: string): Uint8Array {
  const piece = opts.progressStyle === "thinking" ? { content: "", thinking: `${text}\n` } : { content: "" };
  return ndjsonLine(makeChunk(opts.kind, model, piece));
}
