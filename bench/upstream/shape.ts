// Reads a stream's shape from the model name's tag: `bench:c500-g0` is 500 chunks, no gap between them.
export interface StreamShape {
  chunks: number;
  gapMs: number;
}

export function shapeOf(model: string): StreamShape {
  const chunks = /[:-]c(\d+)/.exec(model)?.[1];
  const gap = /[:-]g(\d+)/.exec(model)?.[1];
  return { chunks: chunks ? Number(chunks) : 10, gapMs: gap ? Number(gap) : 0 };
}
