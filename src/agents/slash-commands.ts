// The slash-command grammar: `/name args… /name args… text`, `//` escapes, paths are not commands.
import type { AgentCommand } from "./chain-types.ts";
import { usageLine } from "./help.ts";
import type { AgentSnapshot, LoadedAgent } from "./snapshot.ts";

export type ParsedInput =
  /** No command; `text` is the input after `//` unescaping. */
  | { kind: "none"; text: string }
  | { kind: "chain"; commands: AgentCommand[]; text: string }
  | { kind: "help"; topic: string | null }
  /** `text` is the original input, for UNKNOWN_COMMAND=pass. */
  | { kind: "unknown"; name: string; text: string }
  /** `message` is a reply for the user (missing argument, two answering agents). */
  | { kind: "usage"; name: string; message: string };

/** A command token: `/`, a letter, then letters, digits, `-` or `_`. `/usr/bin`, `/a.b`, `/2` are text. */
const COMMAND_TOKEN = /^\/([A-Za-z][A-Za-z0-9_-]*)$/;
const SPACE = /\s/;

export function parseSlashCommands(text: string, snapshot: AgentSnapshot): ParsedInput {
  const s = new Scanner(text);
  s.skipSpace();
  if (text.startsWith("//", s.pos))
    return { kind: "none", text: text.slice(0, s.pos) + text.slice(s.pos + 1) };
  let name = commandName(s.peekWord());
  if (name === null) return { kind: "none", text };
  if (name === "help") {
    s.readWord();
    s.skipSpace();
    const topic = s.readWord()?.replace(/^\//, "").toLowerCase() ?? null;
    return { kind: "help", topic: topic || null };
  }
  const commands: AgentCommand[] = [];
  const agents: LoadedAgent[] = [];
  while (name !== null) {
    // `/concise /help` cannot mean anything but "what can I type?".
    if (name === "help") return { kind: "help", topic: null };
    const agent = snapshot.get(name);
    if (!agent) return { kind: "unknown", name, text };
    s.readWord();
    const args: string[] = [];
    for (const arg of agent.definition.manifest.args ?? []) {
      s.skipSpace();
      const next = s.peekWord();
      // `/translate /concise hi` forgot the language; swallowing "/concise" as one would hide that.
      const nextCommand = commandName(next);
      if (next === null || (nextCommand !== null && snapshot.get(nextCommand))) {
        return {
          kind: "usage",
          name,
          message: `Missing <${arg.name}> for /${name}. Usage: ${usageLine(agent)}`,
        };
      }
      args.push(s.readArg());
    }
    commands.push({ name, args });
    agents.push(agent);
    s.skipSpace();
    name = commandName(s.peekWord());
  }
  const takeovers = agents.filter((a) => typeof a.definition.run === "function");
  if (takeovers.length > 1) {
    const names = [...new Set(takeovers.map((a) => `/${a.name}`))];
    const message =
      names.length > 1
        ? `${names.join(" and ")} each write the whole answer themselves; use only one of them in a message.`
        : `${names[0]} writes the whole answer itself; use it only once in a message.`;
    return { kind: "usage", name: takeovers[1]?.name ?? "", message };
  }
  const rest = text.slice(s.pos);
  return { kind: "chain", commands, text: rest.startsWith("//") ? rest.slice(1) : rest };
}

/**
 * For earlier user messages that chat UIs resend: drops their leading agent commands (and a `//`
 * escape) so the model sees the history it answered. Anything else is left as it was.
 */
export function stripKnownCommands(text: string, snapshot: AgentSnapshot): string {
  const parsed = parseSlashCommands(text, snapshot);
  return parsed.kind === "chain" || parsed.kind === "none" ? parsed.text : text;
}

function commandName(word: string | null): string | null {
  const m = word === null ? null : COMMAND_TOKEN.exec(word);
  return m?.[1] ? m[1].toLowerCase() : null;
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && SPACE.test(this.text[this.pos] ?? "")) this.pos += 1;
  }

  /** The run of non-space characters at the cursor, or null at the end. */
  peekWord(): string | null {
    let end = this.pos;
    while (end < this.text.length && !SPACE.test(this.text[end] ?? "")) end += 1;
    return end > this.pos ? this.text.slice(this.pos, end) : null;
  }

  readWord(): string | null {
    const word = this.peekWord();
    if (word !== null) this.pos += word.length;
    return word;
  }

  /** A "double-quoted phrase" (when the quote closes) or a word; the cursor is on a non-space. */
  readArg(): string {
    if (this.text[this.pos] === '"') {
      const close = this.text.indexOf('"', this.pos + 1);
      if (close > this.pos) {
        const phrase = this.text.slice(this.pos + 1, close);
        this.pos = close + 1;
        return phrase;
      }
    }
    return this.readWord() ?? "";
  }
}
