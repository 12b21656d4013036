// The agent stage: slash commands in the user's text → nothing, a direct reply, or a chain to run
// around the model call. It returns new bodies; the turn's input is never edited.

import type { Batchable } from "../agents/batch.ts";
import {
  type AgentRegistry,
  type AgentRequest,
  type AnswerPiece,
  composeTransforms,
  helpReply,
  type ParsedInput,
  parseSlashCommands,
  prepareChain,
  type ResponseTransform,
  runRequestHooks,
  runTakeover,
  stripKnownCommands,
  unknownCommandReply,
} from "../agents/index.ts";
import type { AgentSnapshot } from "../agents/snapshot.ts";
import { ProxyError } from "../errors.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import type { Message } from "../wire/ollama.ts";
import { fromAgentRequest, toAgentRequest } from "./agent-request.ts";
import { createModelClient } from "./model-client.ts";
import { timedChain } from "./timed-chain.ts";
import type { NativeRequest, TurnInput, TurnKind } from "./turn.ts";

export type AgentPlan =
  /** No agent runs; `body` lost only what the stage strips (a `//` escape, old commands in history). */
  | { kind: "none"; body: Readonly<NativeRequest> }
  /** Answer without calling the model (/help, an unknown command, a usage mistake). */
  | { kind: "reply"; text: string }
  | {
      kind: "chain";
      names: string[];
      /** The body with the commands stripped; `prepare` runs the request hooks over it. */
      body: Readonly<NativeRequest>;
      prepare(body: Readonly<NativeRequest>): Promise<PreparedTurn>;
    };

export interface PreparedTurn {
  /** The body after every request hook. */
  body: NativeRequest;
  /** The chain's response transforms, composed; null when no agent transforms. */
  transform: (ResponseTransform & Batchable) | null;
  /** The takeover agent's answer, when one writes it instead of the upstream. */
  takeover: AsyncIterable<AnswerPiece> | null;
}

export interface AgentStage {
  plan(input: TurnInput): AgentPlan;
}

export interface AgentStageOptions {
  registry: AgentRegistry;
  upstream: UpstreamClient;
  timeoutMs: number;
  /** A function when a config reload may change it; read once per request. */
  unknownCommand: UnknownCommand | (() => UnknownCommand);
}

type UnknownCommand = "reply" | "pass";

export function createAgentStage(opts: AgentStageOptions): AgentStage {
  return {
    plan(input) {
      // One snapshot per request: a reload mid-request does not change the agents it runs.
      const snapshot = opts.registry.snapshot();
      if (snapshot.size === 0) return { kind: "none", body: input.body };
      const body = withoutOldCommands(input.kind, input.body, snapshot);
      const target = userText(input.kind, body);
      if (!target) return { kind: "none", body };
      const parsed = parseSlashCommands(target.text, snapshot);
      switch (parsed.kind) {
        case "none":
          return { kind: "none", body: parsed.text === target.text ? body : target.replace(parsed.text) };
        case "help":
          return { kind: "reply", text: helpReply(snapshot, parsed.topic) };
        case "usage":
          return { kind: "reply", text: parsed.message };
        case "too-long":
          // Not a reply: a chain this long is a request the proxy refuses, in the client's dialect.
          throw new ProxyError(400, parsed.message);
        case "unknown":
          if (unknownCommand(opts) === "pass") return { kind: "none", body };
          return { kind: "reply", text: unknownCommandReply(parsed.name, snapshot) };
        case "chain":
          return chainPlan(input, target.replace(parsed.text), parsed, snapshot, opts);
      }
    },
  };
}

function chainPlan(
  input: TurnInput,
  body: Readonly<NativeRequest>,
  parsed: Extract<ParsedInput, { kind: "chain" }>,
  snapshot: AgentSnapshot,
  opts: AgentStageOptions,
): AgentPlan {
  return {
    kind: "chain",
    names: parsed.commands.map((c) => c.name),
    body,
    async prepare(start) {
      let current: AgentRequest = toAgentRequest(input.kind, start);
      const prepared = prepareChain(parsed.commands, snapshot, (agent, command) => ({
        args: command.args,
        input: parsed.text,
        settings: agent.settings,
        logger: input.logger.child({ agent: agent.name }),
        signal: input.signal,
        model: createModelClient(opts.upstream, input.signal, () => current, {
          probe: input.probe,
          agent: agent.name,
        }),
      }));
      const chain = input.probe ? timedChain(prepared, input.probe) : prepared;
      current = await runRequestHooks(chain, current, opts.timeoutMs);
      return {
        body: fromAgentRequest(current, start),
        transform: composeTransforms(chain, current, opts.timeoutMs),
        takeover: runTakeover(chain, current),
      };
    },
  };
}

function unknownCommand(opts: AgentStageOptions): UnknownCommand {
  return typeof opts.unknownCommand === "function" ? opts.unknownCommand() : opts.unknownCommand;
}

interface UserText {
  text: string;
  /** A new body with this text in its place. */
  replace(text: string): NativeRequest;
}

/** Where a turn's slash commands live: the last user message (chat) or the prompt (generate). */
function userText(kind: TurnKind, body: Readonly<NativeRequest>): UserText | null {
  if (kind === "generate") {
    const prompt = body.prompt;
    return typeof prompt === "string"
      ? { text: prompt, replace: (text) => ({ ...body, prompt: text }) }
      : null;
  }
  const messages = body.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.role === "user" && typeof m.content === "string") {
      return {
        text: m.content,
        replace: (text) => ({ ...body, messages: replaced(messages, i, { ...m, content: text }) }),
      };
    }
  }
  return null;
}

/** Chat UIs resend history: the model should not see the commands of earlier user turns. */
function withoutOldCommands(
  kind: TurnKind,
  body: Readonly<NativeRequest>,
  snapshot: AgentSnapshot,
): Readonly<NativeRequest> {
  if (kind !== "chat" || !Array.isArray(body.messages)) return body;
  const messages = body.messages;
  let last = -1;
  for (let i = messages.length - 1; i >= 0 && last === -1; i--) if (isUserText(messages[i])) last = i;
  let out: Message[] | null = null;
  for (let i = 0; i < last; i++) {
    const m = messages[i];
    if (!m || !isUserText(m)) continue;
    const stripped = stripKnownCommands(m.content, snapshot);
    if (stripped === m.content) continue;
    out ??= [...messages];
    out[i] = { ...m, content: stripped };
  }
  return out ? { ...body, messages: out } : body;
}

function isUserText(m: Message | null | undefined): m is Message {
  return !!m && m.role === "user" && typeof m.content === "string";
}

function replaced(messages: readonly Message[], index: number, message: Message): Message[] {
  const out = [...messages];
  out[index] = message;
  return out;
}
