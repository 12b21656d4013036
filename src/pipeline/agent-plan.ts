// What the agent stage decides for a turn: nothing, a direct reply, or a chain to run around the model.
import type { AnswerPiece, ResponseTransform } from "../agents/types.ts";
import type { ChatTurn, TurnKind } from "./turn.ts";

export type AgentPlan =
  /** No agent; `edited` says the stage still changed the body (a `//` escape, history clean-up). */
  | { kind: "none"; edited?: boolean }
  /** Answer without calling the model (/help, unknown command, usage error). */
  | { kind: "reply"; text: string }
  | {
      kind: "chain";
      names: string[];
      prepare(kind: TurnKind, body: Record<string, unknown>): Promise<PreparedTurn>;
    };

export interface PreparedTurn {
  /** The native body after every request hook. */
  body: Record<string, unknown>;
  /** The chain's response transforms, composed; null when no agent transforms. */
  transform: ResponseTransform | null;
  /** The takeover agent's answer, when one produces it instead of the upstream. */
  takeover: AsyncIterable<string | AnswerPiece> | null;
}

export interface AgentStage {
  /** Reads slash commands from the turn; strips them from the body it plans to send. */
  plan(turn: ChatTurn): AgentPlan;
}

export const NO_AGENTS: AgentPlan = { kind: "none" };
