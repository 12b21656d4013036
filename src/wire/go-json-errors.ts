// Describes why a JSON body failed to parse in the words Go's encoding/json uses (Ollama's texts).
import { MAX_JSON_DEPTH } from "./json-depth.ts";

/**
 * Ollama answers malformed bodies with Go decoder messages (`unexpected EOF`,
 * `invalid character 'x' looking for beginning of value`); clients and scripts match on them, so
 * the proxy reproduces the common cases with a small scanner instead of exposing JavaScript's wording.
 */
export function goJsonError(text: string): string {
  const s = new Scanner(text);
  try {
    s.skipWs();
    s.value();
    s.skipWs();
    if (s.i < text.length) return `invalid character ${quoteChar(text[s.i] ?? "")} after top-level value`;
    return "invalid JSON";
  } catch (err) {
    return err instanceof GoJsonError ? err.message : "invalid JSON";
  }
}

class GoJsonError extends Error {}

class Scanner {
  i = 0;
  /** Open objects and arrays; past MAX_JSON_DEPTH the scan stops as Go's does past its own limit. */
  private depth = 0;
  constructor(private readonly t: string) {}

  skipWs() {
    while (this.i < this.t.length && " \t\n\r".includes(this.t[this.i] ?? "")) this.i++;
  }

  private fail(context: string): never {
    if (this.i >= this.t.length) throw new GoJsonError("unexpected EOF");
    throw new GoJsonError(`invalid character ${quoteChar(this.t[this.i] ?? "")} ${context}`);
  }

  value(): void {
    const c = this.t[this.i];
    if (c === "{" || c === "[") {
      // Go fails on the bracket that opens one level too many: "invalid character '[' exceeded max depth".
      if (++this.depth > MAX_JSON_DEPTH) this.fail("exceeded max depth");
      if (c === "{") this.object();
      else this.array();
      this.depth--;
    } else if (c === '"') this.string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.number();
    else {
      const word = ["true", "false", "null"].find((w) => w[0] === c);
      if (!word) this.fail("looking for beginning of value");
      this.literal(word);
    }
  }

  private object() {
    this.i++;
    this.skipWs();
    if (this.t[this.i] === "}") {
      this.i++;
      return;
    }
    for (;;) {
      this.skipWs();
      if (this.t[this.i] !== '"') this.fail("looking for beginning of object key string");
      this.string();
      this.skipWs();
      if (this.t[this.i] !== ":") this.fail("after object key");
      this.i++;
      this.skipWs();
      this.value();
      this.skipWs();
      const c = this.t[this.i];
      if (c === ",") this.i++;
      else if (c === "}") {
        this.i++;
        return;
      } else this.fail("after object key:value pair");
    }
  }

  private array() {
    this.i++;
    this.skipWs();
    if (this.t[this.i] === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.skipWs();
      this.value();
      this.skipWs();
      const c = this.t[this.i];
      if (c === ",") this.i++;
      else if (c === "]") {
        this.i++;
        return;
      } else this.fail("after array element");
    }
  }

  private string() {
    this.i++;
    while (this.i < this.t.length) {
      const c = this.t[this.i];
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === "\\") this.i++;
      else if (c !== undefined && c < " ") this.fail("in string literal");
      this.i++;
    }
    this.fail("in string literal");
  }

  private number() {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.t.slice(this.i));
    if (!m || m[0] === "-") {
      this.i++;
      this.fail("in numeric literal");
    }
    this.i += m[0].length;
  }

  private literal(word: string) {
    for (const ch of word) {
      if (this.t[this.i] !== ch) this.fail(`in literal ${word} (expecting ${quoteChar(ch)})`);
      this.i++;
    }
  }
}

function quoteChar(c: string): string {
  return c === "'" ? "'\\''" : `'${c}'`;
}
