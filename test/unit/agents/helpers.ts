// Test helpers: inline agents as a snapshot, a fake ModelClient, and contexts built from them.
import type { AgentCommand, ContextFactory, LoadedAgent } from "../../../src/agents/index.ts";
import { type AgentSnapshot, createSnapshot } from "../../../src/agents/snapshot.ts";
import type {
  AgentContext,
  AgentDefinition,
  AgentRequest,
  AnswerPiece,
  ModelCall,
  ModelClient,
} from "../../../src/agents/types.ts";

export function loaded(definition: AgentDefinition, settings: Record<string, unknown> = {}): LoadedAgent {
  return {
    name: definition.manifest.name,
    definition,
    file: `${definition.manifest.name}.ts`,
    loadedAt: new Date(0).toISOString(),
    loadMs: 0,
    settings: { ...definition.settings, ...settings },
  };
}

export function snapshotOf(...definitions: AgentDefinition[]): AgentSnapshot {
  return createSnapshot(
    definitions.map((d) => loaded(d)),
    [],
  );
}

/** A minimal agent with the given hooks. */
export function agent(
  name: string,
  hooks: Omit<AgentDefinition, "manifest"> & { args?: string[] },
): AgentDefinition {
  const { args, ...rest } = hooks;
  return {
    manifest: { name, description: `${name} agent`, args: args?.map((a) => ({ name: a, description: a })) },
    ...rest,
  };
}

export interface FakeModel extends ModelClient {
  calls: ModelCall[];
}

/** Answers each call with the next scripted reply (streamed word by word). */
export function fakeModel(replies: string[]): FakeModel {
  const calls: ModelCall[] = [];
  let next = 0;
  const reply = (call: ModelCall) => {
    calls.push(structuredClone(call));
    return replies[next++] ?? "";
  };
  return {
    calls,
    async *stream(call) {
      for (const word of reply(call).split(/(?<= )/)) yield { content: word } satisfies AnswerPiece;
    },
    async complete(call) {
      return reply(call);
    },
  };
}

export function contextFactory(model: ModelClient = fakeModel([]), input = "hello"): ContextFactory {
  return (a: LoadedAgent, command: AgentCommand): AgentContext => ({
    args: command.args,
    input,
    settings: a.settings,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    signal: new AbortController().signal,
    model,
  });
}

export function chatRequest(text: string, system?: string): AgentRequest {
  const messages: AgentRequest["messages"] = system ? [{ role: "system", content: system }] : [];
  messages.push({ role: "user", content: text });
  return { kind: "chat", model: "llama3.2", messages, options: {}, extra: {} };
}

export async function collect<T>(source: AsyncIterable<T> | null): Promise<T[]> {
  if (!source) throw new Error("expected an async iterable, got null");
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}
