// The agent stage of the pipeline: slash commands → a reply, or a chain prepared around the model call.
import {
  type AgentRegistry,
  type AgentRequest,
  composeTransforms,
  helpReply,
  type ParsedInput,
  parseSlashCommands,
  prepareChain,
  runRequestHooks,
  runTakeover,
  stripKnownCommands,
  unknownCommandReply,
} from "../agents/index.ts";
import type { AgentSnapshot } from "../agents/snapshot.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import type { AgentPlan, AgentStage } from "./agent-plan.ts";
import { fromAgentRequest, toAgentRequest } from "./agent-request.ts";
import { createModelClient } from "./model-client.ts";
import type { ChatTurn } from "./turn.ts";
import { earlierUserMessages, lastUserText } from "./user-text.ts";

export interface AgentStageOptions {
  registry: AgentRegistry;
  upstream: UpstreamClient;
  timeoutMs: number;
  unknownCommand: "reply" | "pass";
}

export function createAgentStage(opts: AgentStageOptions): AgentStage {
  return {
    plan(turn) {
      // One snapshot per request: a reload mid-request does not change the agents it runs.
      const snapshot = opts.registry.snapshot();
      if (snapshot.list().length === 0) return { kind: "none" };
      const edited = cleanHistory(turn, snapshot);
      const target = lastUserText(turn.kind, turn.body);
      if (!target) return { kind: "none", edited };
      const parsed = parseSlashCommands(target.text, snapshot);
      switch (parsed.kind) {
        case "none":
          if (parsed.text === target.text) return { kind: "none", edited };
          target.set(parsed.text);
          return { kind: "none", edited: true };
        case "help":
          return { kind: "reply", text: helpReply(snapshot, parsed.topic) };
        case "usage":
          return { kind: "reply", text: parsed.message };
        case "unknown":
          if (opts.unknownCommand === "pass") return { kind: "none", edited };
          return { kind: "reply", text: unknownCommandReply(parsed.name, snapshot) };
        case "chain":
          target.set(parsed.text);
          return chainPlan(turn, parsed, snapshot, opts);
      }
    },
  };
}

function cleanHistory(turn: ChatTurn, snapshot: AgentSnapshot): boolean {
  let edited = false;
  for (const message of earlierUserMessages(turn.kind, turn.body)) {
    const stripped = stripKnownCommands(String(message.content), snapshot);
    if (stripped !== message.content) {
      message.content = stripped;
      edited = true;
    }
  }
  return edited;
}

function chainPlan(
  turn: ChatTurn,
  parsed: Extract<ParsedInput, { kind: "chain" }>,
  snapshot: AgentSnapshot,
  opts: AgentStageOptions,
): AgentPlan {
  return {
    kind: "chain",
    names: parsed.commands.map((c) => c.name),
    async prepare(kind, body) {
      let current: AgentRequest = toAgentRequest(kind, body);
      const model = createModelClient(opts.upstream, turn.signal, () => current);
      const chain = prepareChain(parsed.commands, snapshot, (agent, command) => ({
        args: command.args,
        input: parsed.text,
        settings: agent.settings,
        logger: turn.info.logger.child({ agent: agent.name }),
        signal: turn.signal,
        model,
      }));
      current = await runRequestHooks(chain, current, opts.timeoutMs);
      return {
        body: fromAgentRequest(current, body),
        transform: composeTransforms(chain, current, opts.timeoutMs),
        takeover: runTakeover(chain, current),
      };
    },
  };
}
