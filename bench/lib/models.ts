// The model names a run asks for: the tag tells the fake upstream how to stream (see upstream/shape.ts).
import type { BenchConfig } from "./config.ts";

export const PLAIN_MODEL = "bench";

export function streamModel(chunks: number, gapMs: number): string {
  return `bench:c${chunks}-g${gapMs}`;
}

/** The TTFB stream: two chunks 5 ms apart, so the first is alone on the wire. */
export const TTFB_MODEL = streamModel(2, 5);

/**
 * Every model a run uses. The fake upstream lists them in /api/tags: the proxy pulls models it does
 * not see there (auto-pull), and a pull in the middle of a measurement would measure the pull.
 */
export function modelsOf(config: BenchConfig): string[] {
  return [
    `${PLAIN_MODEL}:latest`,
    streamModel(config.streamChunks, 0),
    TTFB_MODEL,
    streamModel(config.slowChunks, config.slowGapMs),
  ];
}
