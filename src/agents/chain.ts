// Runs a parsed command chain: request hooks left to right, then the takeover agent's answer.
import { ProxyError } from "../errors.ts";
import type { AgentCommand, ChainLink, ContextFactory, PreparedChain } from "./chain-types.ts";
import { AgentError } from "./errors.ts";
import { guarded, wrap } from "./guard.ts";
import type { AgentSnapshot, LoadedAgent } from "./snapshot.ts";
import type { AgentContext, AgentRequest, AnswerPiece } from "./types.ts";

/**
 * Resolves each command to its agent and context. `commands` come from parseSlashCommands, which
 * already refused a chain with two takeover agents (chain-rules.ts): this only finds the one.
 */
export function prepareChain(
  commands: AgentCommand[],
  snapshot: AgentSnapshot,
  makeContext: ContextFactory,
): PreparedChain {
  const agents = commands.map((command): ChainLink => {
    const agent = snapshot.get(command.name);
    if (!agent) throw new ProxyError(400, `agent "${command.name}" is not loaded`);
    return { agent, command, ctx: makeContext(agent, command) };
  });
  const runner = agents.find((l) => typeof l.agent.definition.run === "function");
  return { agents, takeover: runner ? { agent: runner.agent, ctx: runner.ctx } : null };
}

/**
 * Every `onRequest` hook, left to right, each seeing the request the previous one returned (or
 * edited in place). Each hook is bounded by `timeoutMs`; a failure names the agent.
 */
export async function runRequestHooks(
  chain: PreparedChain,
  request: AgentRequest,
  timeoutMs: number,
): Promise<AgentRequest> {
  let current = request;
  for (const { agent, ctx } of chain.agents) {
    const hook = agent.definition.onRequest;
    if (!hook) continue;
    const input = current;
    const result = await guarded(agent.name, timeoutMs, () => hook.call(agent.definition, input, ctx));
    if (result === undefined) continue;
    if (!result || typeof result !== "object" || !Array.isArray(result.messages)) {
      throw new AgentError(
        agent.name,
        500,
        `agent "${agent.name}" failed: onRequest() must return a request (with messages) or nothing`,
      );
    }
    current = result;
  }
  return current;
}

/**
 * The takeover agent's answer as AnswerPieces, or null when the chain has no takeover agent. No
 * timeout applies: it may call the model several times; the request's abort signal bounds it.
 */
export function runTakeover(chain: PreparedChain, request: AgentRequest): AsyncIterable<AnswerPiece> | null {
  if (!chain.takeover) return null;
  const { agent, ctx } = chain.takeover;
  return takeoverPieces(agent, ctx, request);
}

async function* takeoverPieces(agent: LoadedAgent, ctx: AgentContext, request: AgentRequest) {
  try {
    const run = agent.definition.run as NonNullable<LoadedAgent["definition"]["run"]>;
    const source = run.call(agent.definition, request, ctx);
    if (!source || typeof source[Symbol.asyncIterator] !== "function") {
      throw new Error("run() must return an async iterable (write it as an async function*)");
    }
    for await (const piece of source) yield toPiece(piece);
  } catch (err) {
    throw wrap(agent.name, err);
  }
}

function toPiece(piece: unknown): AnswerPiece {
  if (typeof piece === "string") return { content: piece };
  const p = piece as Partial<AnswerPiece> | null;
  if (!p || typeof p.content !== "string") throw new Error("run() yielded something that is not text");
  return typeof p.thinking === "string"
    ? { content: p.content, thinking: p.thinking }
    : { content: p.content };
}
