// The internal batch entry of a response transform: several pieces that arrived together, one call.
// Not part of the agent contract; an agent's worker offers it so one message carries many pieces.

/** `transform[BATCH](texts)` returns one output per text, in order, as `chunk` would one by one. */
export const BATCH: unique symbol = Symbol("agent transform batch");

export interface Batchable {
  [BATCH]?(texts: string[]): Promise<unknown[]>;
}

/** `texts` through `transform`: in one call when it takes batches, else piece by piece, in order. */
export async function transformPieces(
  transform: { chunk(text: string): string | Promise<string> } & Batchable,
  texts: string[],
): Promise<string[]> {
  const batch = transform[BATCH];
  if (batch) return (await batch(texts)) as string[];
  const out: string[] = [];
  for (const text of texts) out.push(await transform.chunk(text));
  return out;
}
