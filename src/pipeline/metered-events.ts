// With a key's meter (AUTH=keys), a turn's events pass by it: the first piece of the answer, and the
// token counts Ollama puts in every final chunk — parsed chunks, or the untouched upstream answer.
import { ProxyError } from "../errors.ts";
import { LastLineKeeper } from "../streams/last-line.ts";
import type { InferenceChunk } from "../wire/ollama.ts";
import type { TurnAccess, TurnEvent, TurnInput } from "./turn.ts";

export function meteredEvents(
  input: TurnInput,
  events: AsyncGenerator<TurnEvent>,
): AsyncGenerator<TurnEvent> {
  return input.access ? metered(input.access, events) : events;
}

/**
 * The same generator, each event looked at on its way out. A plain wrapper rather than an async
 * generator around it: one promise step per event instead of a generator's queue, which showed at
 * thousands of one-shot answers a second.
 */
function metered(access: TurnAccess, events: AsyncGenerator<TurnEvent>): AsyncGenerator<TurnEvent> {
  let first = true;
  const look = (
    step: IteratorResult<TurnEvent>,
  ): IteratorResult<TurnEvent> | Promise<IteratorResult<TurnEvent>> => {
    if (step.done) return step;
    const event = step.value;
    if (event.type === "chunk") {
      if (first) {
        first = false;
        access.firstToken();
      }
      if (event.chunk.done) countChunk(access, event.chunk);
      return step;
    }
    if (event.type === "upstream")
      return tapped(access, event.response).then((response) => ({
        done: false,
        value: { type: "upstream", response },
      }));
    return step;
  };
  const wrapper: AsyncGenerator<TurnEvent> = {
    next: () => events.next().then(look),
    return: (value) => events.return(value),
    throw: (err) => events.throw(err),
    [Symbol.asyncIterator]: () => wrapper,
    [Symbol.asyncDispose]: () => events.return(undefined).then(() => undefined),
  };
  return wrapper;
}

function countChunk(access: TurnAccess, chunk: InferenceChunk): void {
  const input = typeof chunk.prompt_eval_count === "number" ? chunk.prompt_eval_count : 0;
  const output = typeof chunk.eval_count === "number" ? chunk.eval_count : 0;
  if (input || output) access.tokens(input, output);
}

const decoder = new TextDecoder();

/** The upstream's own answer, its bytes unchanged: a stream is watched as it passes, one object read whole. */
async function tapped(access: TurnAccess, res: Response): Promise<Response> {
  // `res.body` is not touched before it is known to be a stream: reading that getter turns Bun's
  // native body into a JavaScript stream, and a one-shot answer is then read through it.
  if (!res.ok) return res;
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("ndjson")) {
    if (!res.body) return res;
    const keeper = new LastLineKeeper();
    let first = true;
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (first) {
          first = false;
          access.firstToken();
        }
        keeper.push(chunk);
        controller.enqueue(chunk);
      },
      flush() {
        const line = keeper.lastLine();
        if (line) countText(access, decoder.decode(line.subarray(Math.max(0, line.byteLength - TAIL_CHARS))));
      },
    });
    const body = res.body.pipeThrough(tap);
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  }
  // A one-shot answer has nothing to stream: holding its bytes until they are all here changes nothing.
  let bytes: Uint8Array;
  try {
    bytes = await res.bytes();
  } catch (err) {
    throw new ProxyError(502, `the upstream answer broke off: ${(err as Error).message}`, "upstream");
  }
  access.firstToken();
  countText(access, decoder.decode(bytes.subarray(Math.max(0, bytes.byteLength - TAIL_CHARS))));
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

/** Ollama writes the counts last (after a generate's `context` array): the tail is enough (bytes). */
const TAIL_CHARS = 4096;
const PROMPT = '"prompt_eval_count":';
const EVAL = '"eval_count":';

function countText(access: TurnAccess, text: string): void {
  const from = Math.max(0, text.length - TAIL_CHARS);
  const input = numberAfter(text, PROMPT, from);
  const output = numberAfter(text, EVAL, from);
  if (input || output) access.tokens(input, output);
}

/** The integer after the last `key` in `text` (past `from`), or 0. */
function numberAfter(text: string, key: string, from: number): number {
  const at = text.lastIndexOf(key);
  if (at < from) return 0;
  let i = at + key.length;
  while (text.charCodeAt(i) === 32) i++;
  let n = 0;
  for (let ch = text.charCodeAt(i); ch >= 48 && ch <= 57; ch = text.charCodeAt(++i)) n = n * 10 + (ch - 48);
  return n;
}
