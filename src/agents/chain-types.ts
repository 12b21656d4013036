// The shapes a command chain takes: the commands a message starts with, and the chain prepared from them.
import type { LoadedAgent } from "./snapshot.ts";
import type { AgentContext } from "./types.ts";

export interface AgentCommand {
  /** The agent's name, lower-cased. */
  name: string;
  /** Its positional arguments, as typed. */
  args: string[];
}

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
