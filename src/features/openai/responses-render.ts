// Renders a turn for /v1/responses: the Responses event stream (with progress), or one response object.
import type { Context } from "hono";
import { toProxyError } from "../../errors.ts";
import type { TurnEvent, TurnResult } from "../../pipeline/turn.ts";
import { type EventEncoder, eventBody, nextShown } from "../../streams/event-body.ts";
import type { AppEnv } from "../../types.ts";
import type { ResponsesProgressStyle, ResponsesStreamRenderer } from "./translate/index.ts";

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const encoder = new TextEncoder();

/** Streams the turn; the first shown event is awaited first so early errors keep their HTTP status. */
export async function renderResponsesSse(
  c: Context<AppEnv>,
  turn: TurnResult,
  renderer: ResponsesStreamRenderer,
  progressStyle: ResponsesProgressStyle,
): Promise<Response> {
  const shows = (e: TurnEvent) => e.type !== "progress" || progressStyle !== "none";
  const first = await nextShown(turn.events, shows);
  return new Response(eventBody(first, turn.events, responsesEncoder(c, renderer)), { headers: SSE_HEADERS });
}

function responsesEncoder(c: Context<AppEnv>, renderer: ResponsesStreamRenderer): EventEncoder<TurnEvent> {
  const bytes = (text: string) => (text ? encoder.encode(text) : null);
  return {
    get closed() {
      return renderer.state !== "open";
    },
    encode(event) {
      if (event.type === "chunk") return bytes(renderer.chunk(event.chunk));
      if (event.type === "progress") return bytes(renderer.progress(event.text));
      throw new Error("a /v1/responses turn must be parsed, not relayed");
    },
    end: () => bytes(renderer.end()),
    fail(err) {
      const failure = toProxyError(err);
      c.set("streamError", failure);
      return encoder.encode(renderer.error(failure.message, failure.status, failure.code));
    },
  };
}
