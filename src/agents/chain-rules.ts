// What a chain may hold: at most MAX_CHAIN_LENGTH commands, each agent once, one takeover agent.
import type { AgentCommand, ParsedInput } from "./chain-types.ts";
import type { LoadedAgent } from "./snapshot.ts";

/**
 * The most commands a message may start with. A real chain has two or three; the bound keeps
 * every per-command cost (request hooks, the flush cascade) small whatever a client sends.
 */
export const MAX_CHAIN_LENGTH = 16;

type Refusal = Extract<ParsedInput, { kind: "usage" | "too-long" }>;

/**
 * Collects a chain as the parser reads it and refuses it the moment a rule is broken, so the parser
 * never reads past the limit. A command repeated with the same arguments is kept once, where it was
 * first typed (`/concise /concise hi` is `/concise hi`); with other arguments it is refused, since
 * no order of the two could be what the user meant. Repeats still count towards the limit.
 */
export class ChainBuilder {
  readonly commands: AgentCommand[] = [];
  private typed = 0;
  private readonly byName = new Map<string, AgentCommand>();
  private takeover: string | null = null;

  /** Call before reading a command's arguments: the refusal when the chain is already full. */
  room(): Refusal | null {
    if (this.typed < MAX_CHAIN_LENGTH) return null;
    return {
      kind: "too-long",
      limit: MAX_CHAIN_LENGTH,
      message:
        `Too many commands: a message can start with at most ${MAX_CHAIN_LENGTH} of them, and this one ` +
        "has more. Remove some and send it again.",
    };
  }

  /** Adds a command read in full; null when it is accepted (or folded into an identical one). */
  add(agent: LoadedAgent, args: string[]): Refusal | null {
    this.typed += 1;
    const name = agent.name;
    const earlier = this.byName.get(name);
    if (earlier) {
      if (sameArgs(earlier.args, args)) return null;
      const message = `/${name} appears twice with different arguments; give it once, with the arguments you want.`;
      return { kind: "usage", name, message };
    }
    if (typeof agent.definition.run === "function") {
      if (this.takeover !== null) {
        const message = `/${this.takeover} and /${name} each write the whole answer themselves; use only one of them in a message.`;
        return { kind: "usage", name, message };
      }
      this.takeover = name;
    }
    const command = { name, args };
    this.byName.set(name, command);
    this.commands.push(command);
    return null;
  }
}

function sameArgs(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}
