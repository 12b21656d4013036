// Ollama's "relaxed thinking" for /v1/messages, done by the proxy: a model that cannot think is asked again without `think`.
import { ProxyError } from "../../errors.ts";
import type { TurnEvent, TurnResult } from "../../pipeline/turn.ts";

function cannotThink(err: unknown): boolean {
  return (
    err instanceof ProxyError &&
    err.origin === "upstream" &&
    err.status === 400 &&
    err.message.endsWith("does not support thinking")
  );
}

/**
 * Ollama drops `think` server-side for a model without the capability when the request came through
 * its Anthropic layer (Claude Code asks every model to think); a proxy learns it from the 400 and asks
 * once more. Only an effort level needs this: `thinking.enabled` is sent as "the model's default".
 */
export function relaxThinking(turn: TurnResult, retry: () => Promise<TurnResult>): TurnResult {
  return { ...turn, events: relaxed(turn.events, retry) };
}

async function* relaxed(
  events: AsyncGenerator<TurnEvent>,
  retry: () => Promise<TurnResult>,
): AsyncGenerator<TurnEvent> {
  let answered = false;
  try {
    for await (const event of events) {
      if (event.type !== "progress") answered = true;
      yield event;
    }
  } catch (err) {
    if (answered || !cannotThink(err)) throw err;
    yield* (await retry()).events;
  }
}
