// "did you mean" for unknown config keys: the closest known key by edit distance, if close enough.

/** Levenshtein distance, one row at a time (keys are short). */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost);
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

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
