// The slash-command grammar: commands, arguments, chains, escapes, paths, unknown, help, usage errors.
import { describe, expect, test } from "bun:test";
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
    expect(parse("/critique /other-runner why?")).toMatchObject({ kind: "usage", name: "other-runner" });
    expect(parse("/critique /critique why?")).toMatchObject({ kind: "usage" });
    expect(parse("/concise /critique why?")).toMatchObject({ kind: "chain" });
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
