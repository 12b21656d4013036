// Folds a turn's events into the one object Ollama returns for `"stream": false`.
import { ProxyError } from "../errors.ts";
import type { InferenceChunk } from "../wire/ollama.ts";
import { ChunkAggregator } from "./chunks.ts";
import type { TurnEvent, TurnKind } from "./turn.ts";

/** Progress is dropped (a one-shot answer cannot show it); the fold needs Ollama's final `done` object. */
export async function foldTurn(
  kind: TurnKind,
  first: TurnEvent | undefined,
  rest: AsyncIterable<TurnEvent>,
): Promise<InferenceChunk> {
  const aggregator = new ChunkAggregator(kind);
  let sawDone = false;
  const take = (event: TurnEvent) => {
    if (event.type === "upstream") throw new Error("a folded turn must be parsed, not relayed");
    if (event.type !== "chunk") return;
    aggregator.add(event.chunk);
    if (event.chunk.done === true) sawDone = true;
  };
  if (first) take(first);
  for await (const event of rest) take(event);
  if (!sawDone) throw new ProxyError(502, "the upstream answer ended before it was complete", "upstream");
  return aggregator.result();
}
