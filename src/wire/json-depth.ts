// Bounds how deeply a JSON body may nest, checked by one linear pass over its text before anything parses it.

/**
 * Ollama's decoder (Go's encoding/json) stops at 10000 levels. The proxy stops sooner because it walks
 * bodies with recursive JavaScript (JSON.stringify, freezing, agents) on a stack of a few ten thousand
 * frames; no real request nests anywhere near 1000 levels (tool schemas reach a few dozen).
 */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether the text opens more than `limit` objects or arrays at once. No recursion, no allocation;
 * string contents are skipped with indexOf, so a large prompt costs almost nothing. It does not
 * validate: a text it passes may still be invalid JSON (JSON.parse says so next).
 */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  const n = text.length;
  // Too short to hold limit + 1 open brackets: most one-turn requests stop here.
  if (n <= limit) return false;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = closingQuote(text, i + 1);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** Index of the quote that ends the string whose contents start at `from` (the text's end if none). */
function closingQuote(text: string, from: number): number {
  for (let at = from; ; ) {
    const q = text.indexOf('"', at);
    if (q < 0) return text.length;
    // An odd run of backslashes before the quote escapes it; the run stops at the opening quote at worst.
    let k = q - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q;
    at = q + 1;
  }
}

/** A nesting limit was hit; go-json-errors.ts gives the text Ollama's decoder would. */
export class JsonTooDeepError extends SyntaxError {
  override readonly name = "JsonTooDeepError";
}

/** JSON.parse for request bodies: refuses text nested deeper than MAX_JSON_DEPTH before parsing it. */
export function parseJson(text: string): unknown {
  if (nestsDeeperThan(text)) throw new JsonTooDeepError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  return JSON.parse(text);
}
