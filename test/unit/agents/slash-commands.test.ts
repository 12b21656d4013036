// The slash-command grammar: commands, arguments, chains, escapes, paths, unknown, help, usage errors,
// repeats and the chain-length limit, and linear time on messages of a megabyte.
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { MAX_CHAIN_LENGTH } from "../../../src/agents/chain-rules.ts";
import { parseSlashCommands, stripKnownCommands } from "../../../src/agents/slash-commands.ts";
import { agent, snapshotOf } from "./helpers.ts";

const noop = () => undefined;
const snap = snapshotOf(
  agent("concise", { onRequest: noop }),
  agent("translate", { onRequest: noop, args: ["language"] }),
  agent("pair", { onRequest: noop, args: ["first", "second"] }),
  agent("critique", { async *run() {} }),
  agent("other-runner", { async *run() {} }),
);
const parse = (text: string) => parseSlashCommands(text, snap);
const MB = 1 << 20;

describe("parseSlashCommands", () => {
  test("plain text is not a command", () => {
    expect(parse("Good morning")).toEqual({ kind: "none", text: "Good morning" });
    expect(parse("")).toEqual({ kind: "none", text: "" });
    expect(parse("a /concise in the middle")).toEqual({ kind: "none", text: "a /concise in the middle" });
  });

  test("one command with one argument and the rest as text", () => {
    expect(parse("/translate fr Good morning")).toEqual({
      kind: "chain",
      commands: [{ name: "translate", args: ["fr"] }],
      text: "Good morning",
    });
  });

  test("quoted phrases are one argument; an unclosed quote is an ordinary word", () => {
    expect(parse('/translate "Brazilian Portuguese" See you')).toMatchObject({
      commands: [{ name: "translate", args: ["Brazilian Portuguese"] }],
      text: "See you",
    });
    expect(parse('/pair "a b" c rest')).toMatchObject({ commands: [{ args: ["a b", "c"] }], text: "rest" });
    expect(parse('/translate "fr hello')).toMatchObject({ commands: [{ args: ['"fr'] }], text: "hello" });
  });

  test("a chain of leading commands, leftmost first; text keeps its own formatting", () => {
    expect(parse("/concise /translate fr\n\nline one\n  line two")).toEqual({
      kind: "chain",
      commands: [
        { name: "concise", args: [] },
        { name: "translate", args: ["fr"] },
      ],
      text: "line one\n  line two",
    });
  });

  test("a command alone gives empty text; leading whitespace is allowed", () => {
    expect(parse("  /concise")).toEqual({
      kind: "chain",
      commands: [{ name: "concise", args: [] }],
      text: "",
    });
  });

  test("names match case-insensitively; arguments keep their case", () => {
    expect(parse("/CONCISE /Translate FR Hi")).toMatchObject({
      commands: [
        { name: "concise", args: [] },
        { name: "translate", args: ["FR"] },
      ],
    });
  });

  test("// sends a literal leading slash, also after commands", () => {
    expect(parse("//etc/hosts is a file")).toEqual({ kind: "none", text: "/etc/hosts is a file" });
    expect(parse("//concise is a word")).toEqual({ kind: "none", text: "/concise is a word" });
    expect(parse("/concise //tmp is full")).toMatchObject({ kind: "chain", text: "/tmp is full" });
  });

  test("paths and other non-names are text", () => {
    for (const text of ["/usr/bin is where", "/etc/hosts", "/a.b c", "/ hello", "/2 fast", "/:) hi", "/"]) {
      expect(parse(text)).toEqual({ kind: "none", text });
    }
  });

  test("an unknown command returns the original text for pass-through", () => {
    expect(parse("/translte fr hi")).toEqual({ kind: "unknown", name: "translte", text: "/translte fr hi" });
    expect(parse("/concise /nope hi")).toEqual({ kind: "unknown", name: "nope", text: "/concise /nope hi" });
    expect(parse("/Nope")).toMatchObject({ kind: "unknown", name: "nope" });
  });

  test("/help and /help <agent>", () => {
    expect(parse("/help")).toEqual({ kind: "help", topic: null });
    expect(parse("/HELP Translate")).toEqual({ kind: "help", topic: "translate" });
    expect(parse("/help /translate")).toEqual({ kind: "help", topic: "translate" });
    expect(parse("/concise /help")).toEqual({ kind: "help", topic: null });
  });

  test("a missing argument is a usage error with the usage line", () => {
    const missing = parse("/translate");
    expect(missing).toMatchObject({ kind: "usage", name: "translate" });
    expect(missing.kind === "usage" && missing.message).toContain("/translate <language> <your message>");
    expect(parse("/pair one")).toMatchObject({ kind: "usage", name: "pair" });
    expect(parse("/concise /translate   ")).toMatchObject({ kind: "usage", name: "translate" });
  });

  test("an argument that is another agent's command means the argument was forgotten", () => {
    expect(parse("/translate /concise hello")).toMatchObject({ kind: "usage", name: "translate" });
  });

  test("at most one takeover agent per chain", () => {
    const two = parse("/critique /other-runner why?");
    expect(two).toMatchObject({ kind: "usage", name: "other-runner" });
    expect(two.kind === "usage" && two.message).toContain("/critique and /other-runner");
    expect(parse("/concise /critique why?")).toMatchObject({ kind: "chain" });
  });
});

describe("repeated commands", () => {
  test("a repeat with the same arguments counts once, where it was first typed", () => {
    expect(parse("/concise /translate fr /concise hi")).toEqual({
      kind: "chain",
      commands: [
        { name: "concise", args: [] },
        { name: "translate", args: ["fr"] },
      ],
      text: "hi",
    });
    expect(parse("/critique /Critique why?")).toEqual({
      kind: "chain",
      commands: [{ name: "critique", args: [] }],
      text: "why?",
    });
    expect(parse('/translate "fr" /translate fr hi')).toMatchObject({ commands: [{ args: ["fr"] }] });
  });

  test("a repeat with other arguments is refused: no order of the two is what the user meant", () => {
    const clash = parse("/translate fr /translate de hi");
    expect(clash).toMatchObject({ kind: "usage", name: "translate" });
    expect(clash.kind === "usage" && clash.message).toContain("/translate appears twice");
  });
});

describe("the chain-length limit", () => {
  const chainOf = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? "/concise" : "/translate fr"));

  test(`${MAX_CHAIN_LENGTH} commands are a chain; one more is refused with a message naming the limit`, () => {
    expect(MAX_CHAIN_LENGTH).toBe(16);
    expect(parse(`${chainOf(MAX_CHAIN_LENGTH).join(" ")} hi`)).toMatchObject({ kind: "chain", text: "hi" });
    const over = parse(`${chainOf(MAX_CHAIN_LENGTH + 1).join(" ")} hi`);
    expect(over).toEqual({ kind: "too-long", limit: MAX_CHAIN_LENGTH, message: expect.any(String) });
    expect(over.kind === "too-long" && over.message).toContain(`at most ${MAX_CHAIN_LENGTH}`);
  });

  test("repeats count as typed, so a long run of one command is refused too", () => {
    expect(parse(`${"/concise ".repeat(MAX_CHAIN_LENGTH)}hi`)).toMatchObject({ kind: "chain" });
    expect(parse(`${"/concise ".repeat(MAX_CHAIN_LENGTH + 1)}hi`)).toMatchObject({ kind: "too-long" });
  });

  test("past the limit, an unknown command or /help still gets its own answer", () => {
    const full = "/concise ".repeat(MAX_CHAIN_LENGTH);
    expect(parse(`${full}/nope hi`)).toMatchObject({ kind: "unknown", name: "nope" });
    expect(parse(`${full}/help`)).toEqual({ kind: "help", topic: null });
  });

  test("the README and the agent guide give the limit the code has", async () => {
    for (const doc of ["../../../README.md", "../../../docs/agents.md"]) {
      const text = await Bun.file(path.resolve(import.meta.dir, doc)).text();
      expect(text).toContain(`at most ${MAX_CHAIN_LENGTH} commands`);
    }
  });
});

// Speed targets belong to the bench; these only show that a megabyte of input comes back, with the
// right answer (the quadratic parser took seconds on a third of this).
describe("a megabyte of input", () => {
  test("a megabyte of commands is refused as too long", () => {
    const text = "/concise ".repeat(Math.ceil(MB / 9));
    expect(parse(text)).toMatchObject({ kind: "too-long", limit: MAX_CHAIN_LENGTH });
    expect(stripKnownCommands(text, snap)).toBe(text);
  });

  test("a megabyte of arguments, words, spaces and unclosed quotes", () => {
    const big = "x".repeat(MB);
    expect(parse(`/translate ${big} hi`)).toMatchObject({ commands: [{ args: [big] }], text: "hi" });
    expect(parse(`/concise${" ".repeat(MB)}hi`)).toMatchObject({ kind: "chain", text: "hi" });
    expect(parse(`/${big}`)).toEqual({ kind: "unknown", name: big, text: `/${big}` });
    expect(parse(`/${big}/`)).toMatchObject({ kind: "none" });
    const phrase = "y ".repeat(MB / 2);
    expect(parse(`/translate "${phrase}" hi`)).toMatchObject({ commands: [{ args: [phrase] }], text: "hi" });
    expect(parse(`/translate "fr ${phrase}`)).toMatchObject({ commands: [{ args: ['"fr'] }], text: phrase });
  });

  test("stripKnownCommands on a megabyte of history", () => {
    const text = `/concise /translate fr ${"word ".repeat(MB / 5)}`;
    expect(stripKnownCommands(text, snap)).toBe(text.slice("/concise /translate fr ".length));
  });
});

describe("stripKnownCommands", () => {
  test("removes leading agent commands from history messages", () => {
    expect(stripKnownCommands("/concise /translate fr Good morning", snap)).toBe("Good morning");
    expect(stripKnownCommands("//etc/hosts", snap)).toBe("/etc/hosts");
  });

  test("leaves everything else alone", () => {
    for (const text of ["plain", "/unknown thing", "/help", "/translate", "/usr/bin"]) {
      expect(stripKnownCommands(text, snap)).toBe(text);
    }
  });
});
