// The redact agent: the same masked text however the answer is cut into chunks.
import { describe, expect, test } from "bun:test";
import redact, { mask } from "../../../agents/redact.ts";
import type { AgentContext } from "../../../src/agents/types.ts";
import { chatRequest, contextFactory, loaded } from "./helpers.ts";

const LABELS = { email: "[email]", phone: "[phone]" };
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
});
