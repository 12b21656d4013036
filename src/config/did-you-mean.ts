// "did you mean" for unknown config keys: the closest known key by edit distance, if close enough.
import { editDistance } from "../edit-distance.ts";

/** Compared as lower case with `_` read as `-`, so `OLLAMA_URL` and `ollama_url` find `ollama-url`. */
const normal = (s: string) => s.toLowerCase().replaceAll("_", "-");

export function closest(word: string, candidates: Iterable<string>): string | null {
  const w = normal(word);
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(w, normal(c));
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  // A third of the word (at least 2): typos and dropped dashes, not unrelated words.
  return bestDistance <= Math.max(2, Math.floor(w.length / 3)) ? best : null;
}
