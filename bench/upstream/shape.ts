// Reads a stream's shape from the model name's tag: `bench:c500-g0` is 500 chunks, no gap between them.
export interface StreamShape {
  chunks: number;
  gapMs: number;
}

/** null when the tag gives no chunk count (the plain model): it streams its small answer instead. */
export function shapeOf(model: string): StreamShape | null {
  const chunks = /[:-]c(\d+)/.exec(model)?.[1];
  if (!chunks) return null;
  const gap = /[:-]g(\d+)/.exec(model)?.[1];
  return { chunks: Number(chunks), gapMs: gap ? Number(gap) : 0 };
}
