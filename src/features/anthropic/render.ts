// Renders a turn for Anthropic clients: the event stream (waiting shows as pings), or one message.
import type { Context } from "hono";
import { ProxyError, toProxyError } from "../../errors.ts";
import type { TurnEvent, TurnResult } from "../../pipeline/turn.ts";
import { type EventEncoder, eventBody, nextShown } from "../../streams/event-body.ts";
import type { AppEnv } from "../../types.ts";
import {
  type AnthropicMessage,
  ContentBuilder,
  createAnswerReader,
  createMessageStream,
  type MessageStream,
  type StreamOptions,
} from "./translate/index.ts";

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const encoder = new TextEncoder();

/** Streams the turn; the first event is awaited first so an early error keeps its HTTP status. */
export async function renderStream(
  c: Context<AppEnv>,
  turn: TurnResult,
  opts: StreamOptions,
): Promise<Response> {
  const first = await nextShown(turn.events, () => true);
  const stream = createMessageStream(opts);
  return new Response(eventBody(first, turn.events, sseEncoder(c, stream)), { headers: SSE_HEADERS });
}

function sseEncoder(c: Context<AppEnv>, stream: MessageStream): EventEncoder<TurnEvent> {
  const bytes = (text: string) => (text ? encoder.encode(text) : null);
  return {
    get closed() {
      return stream.state !== "open";
    },
    encode(event) {
      if (event.type === "chunk") return bytes(stream.chunk(event.chunk));
      if (event.type === "progress") return bytes(stream.ping());
      throw new Error("an Anthropic turn must be parsed, not relayed");
    },
    end: () => bytes(stream.end()),
    fail(err) {
      const failure = toProxyError(err);
      c.set("streamError", failure);
      return encoder.encode(stream.error(failure.message, failure.status));
    },
  };
}

/**
 * The whole turn as one message, blocks in the order they came. Stops at the first stop sequence:
 * leaving the loop cancels the upstream, so the model does not write on for nobody.
 */
export async function collectMessage(turn: TurnResult, opts: StreamOptions): Promise<AnthropicMessage> {
  const read = createAnswerReader(opts);
  const content = new ContentBuilder();
  for await (const event of turn.events) {
    if (event.type === "progress") continue;
    if (event.type === "upstream") throw new Error("an Anthropic turn must be parsed, not relayed");
    for (const step of read(event.chunk)) {
      if (step.kind === "thinking") content.thinking(step.text);
      else if (step.kind === "text") content.text(step.text);
      else if (step.kind === "tool_use") content.toolUse(step.id, step.name, step.input);
      else {
        const { id, model } = opts;
        const { reason, sequence, usage } = step;
        return {
          id,
          type: "message",
          role: "assistant",
          model,
          content: content.blocks,
          stop_reason: reason,
          stop_sequence: sequence,
          usage,
        };
      }
    }
  }
  throw new ProxyError(502, "the upstream answer ended before it was complete", "upstream");
}
