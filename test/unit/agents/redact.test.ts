// The redact agent: the same masked text however the answer is cut into chunks, the same as the
// regex it replaced, and a megabyte in one chunk handled as readily as a few words.
import { describe, expect, test } from "bun:test";
import redact, { mask } from "../../../agents/redact.ts";
import type { AgentContext } from "../../../src/agents/types.ts";
import { chatRequest, contextFactory, loaded } from "./helpers.ts";

const LABELS = { email: "[email]", phone: "[phone]" };
const MB = 1 << 20;
const TEXT =
  "Write to john.doe@example.com or jo@mail.co.uk. Call (555) 123-4567, +44 20 7946 0958 or 030 1234 5678.\n" +
  "Not phones: 2024-01-15, v10.15.7, 192.168.1.1, 3.14159, 10.000.000, 1 2 3 4.\n" +
  "Unicode: josé@exämple.org — done. Trailing: ops@acme.io";
const EXPECTED =
  "Write to [email] or [email]. Call [phone], [phone] or [phone].\n" +
  "Not phones: 2024-01-15, v10.15.7, 192.168.1.1, 3.14159, 10.000.000, 1 2 3 4.\n" +
  "Unicode: [email] — done. Trailing: [email]";

function stream(pieces: string[], settings: Record<string, unknown> = {}): string {
  const agent = loaded(redact, settings);
  const ctx = contextFactory()(agent, { name: "redact", args: [] }) as AgentContext;
  const t = redact.transformResponse?.({ ...ctx, request: chatRequest("q") });
  if (!t) throw new Error("no transform");
  let out = "";
  for (const piece of pieces) out += t.chunk(piece) as string;
  return out + (t.flush?.() as string);
}

/** Deterministic pseudo-random cut points. */
function randomSplits(text: string, seed: number): string[] {
  let x = seed;
  const pieces: string[] = [];
  for (let i = 0; i < text.length; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 9);
    pieces.push(text.slice(i, i + n));
    i += n;
  }
  return pieces;
}

describe("redact", () => {
  test("masks e-mail addresses and phone numbers, leaves other numbers alone", () => {
    expect(mask(TEXT, LABELS)).toBe(EXPECTED);
    expect(stream([TEXT])).toBe(EXPECTED);
  });

  test("an address split across chunks", () => {
    expect(stream(["Mail jo", "hn@exa", "mple.com", " now"])).toBe("Mail [email] now");
  });

  test("one character at a time", () => {
    expect(stream([...TEXT])).toBe(EXPECTED);
  });

  test("every two-piece split and many random splits give the same output", () => {
    for (let i = 0; i <= TEXT.length; i++) expect(stream([TEXT.slice(0, i), TEXT.slice(i)])).toBe(EXPECTED);
    for (let seed = 1; seed <= 200; seed++) expect(stream(randomSplits(TEXT, seed))).toBe(EXPECTED);
  });

  test("holds back only what could still become a match", () => {
    const agent = loaded(redact);
    const ctx = contextFactory()(agent, { name: "redact", args: [] });
    const t = redact.transformResponse?.({ ...ctx, request: chatRequest("q") });
    expect(t?.chunk("Hello there, wor")).toBe("Hello there, ");
    expect(t?.chunk("ld! Call 555 ")).toBe("world! Call ");
    expect(t?.chunk("123 4567 or ")).toBe("[phone] or ");
    expect(t?.flush?.()).toBe("");
  });

  test("masks are configurable", () => {
    expect(stream(["a@b.io and +1 415 555 0100"], { email: "***", phone: "###" })).toBe("*** and ###");
  });

  test("a long run with no safe cut is released rather than buffered without bound", () => {
    const agent = loaded(redact);
    const ctx = contextFactory()(agent, { name: "redact", args: [] });
    const t = redact.transformResponse?.({ ...ctx, request: chatRequest("q") });
    const out = t?.chunk("a".repeat(5000)) as string;
    expect(out.length).toBeGreaterThan(4000);
    expect(out + (t?.flush?.() as string)).toBe("a".repeat(5000));
  });

  test("astral letters in an address, however the pieces fall", () => {
    const text = "Mail 𝐀b@ex.com now";
    for (let i = 0; i <= text.length; i++) {
      expect(stream([text.slice(0, i), text.slice(i)])).toBe("Mail [email] now");
    }
  });
});

describe("redact on a megabyte", () => {
  // The quadratic regex took 19 s on a quarter of this; the figures here are the bench's business.
  const line = "Write to john.doe@example.com or +44 20 7946 0958, not 2024-01-15. ";
  const masked = "Write to [email] or [phone], not 2024-01-15. ";
  const times = Math.ceil(MB / line.length);

  test("one 1 MB chunk of text with addresses and numbers", () => {
    expect(mask(line.repeat(times), LABELS)).toBe(masked.repeat(times));
    expect(stream([line.repeat(times)])).toBe(masked.repeat(times));
  });

  test("1 MB words with no safe cut, that never become an address or a number", () => {
    for (const text of ["a".repeat(MB), "7".repeat(MB), "+1".repeat(MB / 2), "a@".repeat(MB / 2)]) {
      expect(mask(text, LABELS)).toBe(text);
      expect(stream([text])).toBe(text);
    }
    expect(mask(`x@${"a.".repeat(MB / 2)}io`, LABELS)).toBe("[email]");
  });

  test("a 1 MB word ending in an address is one address", () => {
    expect(stream([`${"x".repeat(MB)}@example.com and more`])).toBe("[email] and more");
  });
});

/** The regex `mask` replaced, kept as the reference for what it must find. */
function regexMask(text: string): string {
  const email = String.raw`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`;
  const intl = String.raw`\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}`;
  const national = String.raw`\(?\d{2,5}\)?[ .-]?\d{3,4}[ .-]\d{4}`;
  return text.replace(new RegExp(`(${email})|${intl}|${national}`, "gu"), (match, isEmail?: string) => {
    if (isEmail) return LABELS.email;
    const digits = match.replace(/\D/g, "").length;
    return digits >= 8 && digits <= 15 ? LABELS.phone : match;
  });
}

test("mask finds what the regex it replaced found, on thousands of short texts", () => {
  const parts = [
    ..."a|Zé|𝐀|1|55|1234| 123-4567|+44| 20 |(030)|.|@|@ex.com|.co|.uk|-|_|%|+|(|)| |, |x.y|a@b".split("|"),
    ...["\n", "😀", "\ud800", "\udc00"],
  ];
  let x = 7;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  for (let k = 0; k < 5000; k++) {
    let text = "";
    for (let n = 1 + next(30); n > 0; n--) text += parts[next(parts.length)];
    expect(mask(text, LABELS)).toBe(regexMask(text));
  }
});
