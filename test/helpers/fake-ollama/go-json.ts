// Decodes a request body the way gin's ShouldBindJSON (Go's json.Decoder) does, with Go's error texts.

export type Decoded = { ok: true; value: unknown } | { ok: false; error: string };

class SyntaxError_ extends Error {}

const WS = new Set([" ", "\t", "\n", "\r"]);

/** Go's quoteChar: how the offending byte is shown in "invalid character ..." messages. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const escapes: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\" };
  const esc = escapes[c];
  if (esc) return `'${esc}'`;
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, "0")}'`;
  return `'${c}'`;
}

/** encoding/json's maxNestingDepth: one more open object or array is a syntax error. */
const GO_MAX_NESTING_DEPTH = 10000;

/** A small recursive-descent copy of Go's scanner: it only validates and finds the first value's end. */
class Scanner {
  i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  private fail(context: string): never {
    if (this.i >= this.s.length) throw new SyntaxError_("unexpected EOF");
    throw new SyntaxError_(`invalid character ${quoteChar(this.s[this.i] ?? "")} ${context}`);
  }

  private peek(): string {
    if (this.i >= this.s.length) throw new SyntaxError_("unexpected EOF");
    return this.s[this.i] ?? "";
  }

  ws(): void {
    while (this.i < this.s.length && WS.has(this.s[this.i] ?? "")) this.i++;
  }

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  value(): void {
    this.ws();
    const c = this.peek();
    if (c === "{" || c === "[") {
      if (++this.depth > GO_MAX_NESTING_DEPTH) this.fail("exceeded max depth");
      if (c === "{") this.object();
      else this.array();
      this.depth--;
    } else if (c === '"') this.string();
    else if (c === "-" || (c >= "0" && c <= "9")) this.number();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else this.fail("looking for beginning of value");
  }

  private object(): void {
    this.i++;
    this.ws();
    if (this.peek() === "}") {
      this.i++;
      return;
    }
    for (;;) {
      if (this.peek() !== '"') this.fail("looking for beginning of object key string");
      this.string();
      this.ws();
      if (this.peek() !== ":") this.fail("after object key");
      this.i++;
      this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === "}") return;
      if (c !== ",") {
        this.i--;
        this.fail("after object key:value pair");
      }
      this.ws();
    }
  }

  private array(): void {
    this.i++;
    this.ws();
    if (this.peek() === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === "]") return;
      if (c !== ",") {
        this.i--;
        this.fail("after array element");
      }
    }
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === "\\") {
        this.i++;
        const e = this.peek();
        if (e === "u") {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!/[0-9a-fA-F]/.test(this.peek())) this.fail("in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(e)) {
          this.fail("in string escape code");
        }
      } else if (c.charCodeAt(0) < 0x20) {
        this.fail("in string literal");
      }
      this.i++;
    }
  }

  private digits(): void {
    while (this.i < this.s.length && /[0-9]/.test(this.s[this.i] ?? "")) this.i++;
  }

  private number(): void {
    if (this.peek() === "-") this.i++;
    const first = this.peek();
    if (first === "0") this.i++;
    else if (first >= "1" && first <= "9") this.digits();
    else this.fail("in numeric literal");
    if (this.s[this.i] === ".") {
      this.i++;
      if (!/[0-9]/.test(this.peek())) this.fail("after decimal point in numeric literal");
      this.digits();
    }
    if (this.s[this.i] === "e" || this.s[this.i] === "E") {
      this.i++;
      if (this.peek() === "+" || this.peek() === "-") this.i++;
      if (!/[0-9]/.test(this.peek())) this.fail("in exponent of numeric literal");
      this.digits();
    }
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.peek() !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k] ?? "")})`);
      this.i++;
    }
  }
}

/**
 * Like json.NewDecoder(body).Decode(&v): reads the first JSON value and ignores anything after it.
 * An empty (or all-whitespace) body is Go's io.EOF, which Ollama reports as "missing request body".
 */
export function decodeGoJson(text: string): Decoded {
  const scanner = new Scanner(text);
  scanner.ws();
  if (scanner.atEnd()) return { ok: false, error: "missing request body" };
  const start = scanner.i;
  try {
    scanner.value();
  } catch (e) {
    if (e instanceof SyntaxError_) return { ok: false, error: e.message };
    throw e;
  }
  return { ok: true, value: JSON.parse(text.slice(start, scanner.i)) };
}
