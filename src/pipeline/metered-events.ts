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

async function* metered(access: TurnAccess, events: AsyncGenerator<TurnEvent>): AsyncGenerator<TurnEvent> {
  let first = true;
  for await (const event of events) {
    if (event.type === "chunk") {
      if (first) {
        first = false;
        access.firstToken();
      }
      if (event.chunk.done) countChunk(access, event.chunk);
      yield event;
    } else if (event.type === "upstream") {
      yield { type: "upstream", response: await tapped(access, event.response) };
    } else yield event;
  }
}

function countChunk(access: TurnAccess, chunk: InferenceChunk): void {
  const input = typeof chunk.prompt_eval_count === "number" ? chunk.prompt_eval_count : 0;
  const output = typeof chunk.eval_count === "number" ? chunk.eval_count : 0;
  if (input || output) access.tokens(input, output);
}

/** The upstream's own answer, its bytes unchanged: a stream is watched as it passes, one object read whole. */
async function tapped(access: TurnAccess, res: Response): Promise<Response> {
  if (!res.ok || !res.body) return res;
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("ndjson")) {
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
        countLine(access, keeper.lastLine());
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
  countLine(access, bytes);
  return new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
}

const decoder = new TextDecoder();
/** Ollama writes the counts last (after a generate's `context` array): the tail is enough. */
const TAIL_BYTES = 4096;

function countLine(access: TurnAccess, line: Uint8Array | null): void {
  if (!line) return;
  const tail = decoder.decode(line.subarray(Math.max(0, line.byteLength - TAIL_BYTES)));
  const input = Number(/"prompt_eval_count":\s*(\d+)/.exec(tail)?.[1] ?? 0);
  const output = Number(/"eval_count":\s*(\d+)/.exec(tail)?.[1] ?? 0);
  if (input || output) access.tokens(input, output);
}
