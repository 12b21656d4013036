// The shapes a command chain takes: what the parser reads from a message, and the chain prepared from it.
import type { LoadedAgent } from "./snapshot.ts";
import type { AgentContext } from "./types.ts";

export interface AgentCommand {
  /** The agent's name, lower-cased. */
  name: string;
  /** Its positional arguments, as typed. */
  args: string[];
}

export type ParsedInput =
  /** No command; `text` is the input after `//` unescaping. */
  | { kind: "none"; text: string }
  /** `commands` in the order typed, each agent once; `text` is what the model sees. */
  | { kind: "chain"; commands: AgentCommand[]; text: string }
  | { kind: "help"; topic: string | null }
  /** `text` is the original input, for UNKNOWN_COMMAND=pass. */
  | { kind: "unknown"; name: string; text: string }
  /** `message` is a reply for the user (missing argument, two answering agents, conflicting repeats). */
  | { kind: "usage"; name: string; message: string }
  /** More than `limit` (MAX_CHAIN_LENGTH) commands; `message` names the limit. Refused with a 400. */
  | { kind: "too-long"; limit: number; message: string };

/** Builds the context one agent of the chain receives (the caller owns the model client and signal). */
export type ContextFactory = (agent: LoadedAgent, command: AgentCommand) => AgentContext;

export interface ChainLink {
  agent: LoadedAgent;
  command: AgentCommand;
  ctx: AgentContext;
}

export interface PreparedChain {
  /** In command order: the first is the outermost layer. */
  agents: ChainLink[];
  /** The one agent that writes the answer itself, if the chain has one. */
  takeover: { agent: LoadedAgent; ctx: AgentContext } | null;
}
