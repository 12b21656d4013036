// The slash-command grammar: `/name args… /name args… text`, `//` escapes, paths are not commands.
import { ChainBuilder } from "./chain-rules.ts";
import type { ParsedInput } from "./chain-types.ts";
import { Scanner } from "./command-scanner.ts";
import { usageLine } from "./help.ts";
import type { AgentSnapshot } from "./snapshot.ts";

export type { ParsedInput } from "./chain-types.ts";

/** A command token: `/`, a letter, then letters, digits, `-` or `_`. `/usr/bin`, `/a.b`, `/2` are text. */
const COMMAND_TOKEN = /^\/([A-Za-z][A-Za-z0-9_-]*)$/;

/**
 * Reads the commands a message starts with. Linear in the message: each word is scanned once, and
 * reading stops at the first command past MAX_CHAIN_LENGTH (chain-rules.ts), however many follow.
 */
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
  const chain = new ChainBuilder();
  while (name !== null) {
    // `/concise /help` cannot mean anything but "what can I type?".
    if (name === "help") return { kind: "help", topic: null };
    const agent = snapshot.get(name);
    if (!agent) return { kind: "unknown", name, text };
    const full = chain.room();
    if (full) return full;
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
    const refused = chain.add(agent, args);
    if (refused) return refused;
    s.skipSpace();
    name = commandName(s.peekWord());
  }
  const rest = s.rest();
  return { kind: "chain", commands: chain.commands, text: rest.startsWith("//") ? rest.slice(1) : rest };
}

/**
 * For earlier user messages that chat UIs resend: drops their leading agent commands (and a `//`
 * escape) so the model sees the history it answered. Anything else (a refused message among them)
 * is left as it was. Linear, like the parser it relies on.
 */
export function stripKnownCommands(text: string, snapshot: AgentSnapshot): string {
  const parsed = parseSlashCommands(text, snapshot);
  return parsed.kind === "chain" || parsed.kind === "none" ? parsed.text : text;
}

function commandName(word: string | null): string | null {
  const m = word === null ? null : COMMAND_TOKEN.exec(word);
  return m?.[1] ? m[1].toLowerCase() : null;
}

/**
 * Whether `text` is only slash commands that would all run now (a preset's chain): null when so,
 * else one line saying what is missing or wrong.
 */
export function checkCommandChain(text: string, snapshot: AgentSnapshot): string | null {
  const parsed = parseSlashCommands(text, snapshot);
  switch (parsed.kind) {
    case "chain":
      return parsed.text.trim() ? `"${parsed.text.trim()}" is not a slash command` : null;
    case "unknown": {
      const loading = snapshot.loading().length;
      return `agent /${parsed.name} is not loaded${loading ? ` (${loading} agent files are still loading)` : ""}`;
    }
    case "usage":
    case "too-long":
      return parsed.message;
    case "help":
      return "/help cannot be part of a chain";
    case "none":
      return "expected slash commands such as /concise";
  }
}
