// JSON.parse for request bodies that leaves their large strings (base64 images) where they already are.
import {
  JsonTooDeepError,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  parseJson as parseChecked,
} from "../wire/json-depth.ts";

/** Strings from this length on are taken from the body text instead of being copied by JSON.parse. */
const LARGE = 256 * 1024;
/** An escape to undo, or a raw control character (invalid in a string: such a body must keep failing). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const NOT_PLAIN = /[\u0000-\u001f\\]/;

/**
 * `JSON.parse(text)`: the same value, or the same SyntaxError. JSON.parse copies every string it
 * reads, so a body holding a 50 MB image would hold it twice (three times with the request's bytes).
 * Here each long string that needs no unescaping (no backslash; base64 never has one) is cut out of
 * the text as a substring, which shares the text's memory, and a short placeholder takes its place
 * before parsing. Lexically a placeholder is just another valid string, so the shortened text parses
 * exactly when the body does; the parsed value then gets each string back.
 */
export function parseJson(text: string): unknown {
  // Too deep a body is refused before anything recursive (parse, stringify, agents) walks it.
  if (text.length < LARGE) return parseChecked(text);
  if (nestsDeeperThan(text)) throw new JsonTooDeepError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  const mark = `\u0000lifted-${crypto.randomUUID()}-`;
  const escapedMark = `\\u0000${mark.slice(1)}`;
  const lifted: string[] = [];
  const pieces: string[] = [];
  let copied = 0;
  let pos = 0;
  for (;;) {
    // Outside a string every quote opens one (that is JSON's lexer, valid body or not), so strings pair up.
    const open = text.indexOf('"', pos);
    if (open === -1) break;
    const close = closingQuote(text, open + 1);
    if (close === -1) break;
    pos = close + 1;
    if (close - open - 1 < LARGE || isKey(text, pos)) continue;
    const value = text.slice(open + 1, close);
    if (NOT_PLAIN.test(value)) continue;
    pieces.push(text.slice(copied, open + 1), escapedMark + lifted.length);
    lifted.push(value);
    copied = close;
  }
  if (lifted.length === 0) return JSON.parse(text);
  pieces.push(text.slice(copied));
  return restore(JSON.parse(pieces.join("")), mark, lifted);
}

/** The next quote not escaped by an odd run of backslashes, or -1. */
function closingQuote(text: string, from: number): number {
  for (let at = text.indexOf('"', from); at !== -1; at = text.indexOf('"', at + 1)) {
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return at;
  }
  return -1;
}

/** A string followed by `:` is an object key; keys stay in the text. */
function isKey(text: string, from: number): boolean {
  let at = from;
  while (at < text.length && " \t\r\n".includes(text.charAt(at))) at++;
  return text.charAt(at) === ":";
}

/** Puts each lifted string back in place of its placeholder; iterative, since bodies may nest deeply. */
function restore(root: unknown, mark: string, lifted: string[]): unknown {
  const back = (v: unknown): unknown =>
    typeof v === "string" && v.startsWith(mark) ? (lifted[Number(v.slice(mark.length))] ?? v) : v;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    const holder = node as Record<string, unknown>;
    // An own "__proto__" made by JSON.parse is a plain data property, and assignment keeps it one.
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      const value = back(holder[key]);
      holder[key] = value;
      if (typeof value === "object" && value !== null) stack.push(value);
    }
  }
  return back(root);
}
