// Composes a chain's response transforms into one: innermost (rightmost) agent first, flush cascading out.
import { BATCH, type Batchable } from "./batch.ts";
import type { PreparedChain } from "./chain-types.ts";
import { AgentError } from "./errors.ts";
import { guarded, wrap } from "./guard.ts";
import type { AgentRequest, ResponseTransform } from "./types.ts";

interface Stage {
  agent: string;
  transform: ResponseTransform & Batchable;
}

/** A chain's transform; `[BATCH]` takes the pieces that arrived together, one call per agent. */
export type ComposedTransform = ResponseTransform & Required<Batchable> & { flush(): Promise<string> };

/**
 * One transform for the whole chain, or null when no agent in it transforms. Every step is awaited
 * before the next piece is accepted, so a slow agent slows the stream down instead of making the
 * proxy buffer the answer; calls made without awaiting are queued in order, never interleaved.
 */
export function composeTransforms(
  chain: PreparedChain,
  request: AgentRequest,
  timeoutMs: number,
): ComposedTransform | null {
  const stages: Stage[] = [];
  for (const { agent, ctx } of chain.agents) {
    const make = agent.definition.transformResponse;
    if (!make) continue;
    let transform: ResponseTransform;
    try {
      transform = make.call(agent.definition, { ...ctx, request });
    } catch (err) {
      throw wrap(agent.name, err);
    }
    if (!transform || typeof transform.chunk !== "function") {
      throw misbehaved(agent.name, "transformResponse() must return an object with a chunk(text) method");
    }
    stages.push({ agent: agent.name, transform });
  }
  if (stages.length === 0) return null;
  // The rightmost command sits next to the model: its transform sees the raw text first.
  const innerFirst = stages.reverse();

  async function step(stage: Stage, text: string, call: "chunk" | "flush"): Promise<string> {
    const out = await guarded(stage.agent, timeoutMs, () =>
      call === "chunk" ? stage.transform.chunk(text) : (stage.transform.flush?.() ?? ""),
    );
    return checked(stage, out, call);
  }

  /** Several pieces through one stage: one call when the agent takes batches, else one by one. */
  async function stepMany(stage: Stage, texts: string[]): Promise<string[]> {
    const batch = stage.transform[BATCH];
    if (!batch) {
      const out: string[] = [];
      for (const text of texts) out.push(await step(stage, text, "chunk"));
      return out;
    }
    // Each piece has the time one step would have.
    const outs = await guarded(stage.agent, timeoutMs * texts.length, () => batch(texts));
    if (!Array.isArray(outs) || outs.length !== texts.length)
      throw misbehaved(stage.agent, "chunk() answered a batch with the wrong number of pieces");
    return outs.map((out) => checked(stage, out, "chunk"));
  }

  /** Passes pieces outwards, stage by stage; empty ones are not offered to the outer stages. */
  async function outwardsMany(texts: string[]): Promise<string[]> {
    let current = texts;
    for (const stage of innerFirst) {
      const offered: number[] = [];
      for (let i = 0; i < current.length; i++) if (current[i] !== "") offered.push(i);
      if (offered.length === 0) break;
      const outs = await stepMany(
        stage,
        offered.map((i) => current[i] as string),
      );
      const next = [...current];
      offered.forEach((i, k) => {
        next[i] = outs[k] as string;
      });
      current = next;
    }
    return current;
  }

  /** Passes text outwards from stage `from`; empty text is not offered to the outer stages. */
  async function outwards(text: string, from: number): Promise<string> {
    let current = text;
    for (let i = from; i < innerFirst.length && current !== ""; i++) {
      current = await step(innerFirst[i] as Stage, current, "chunk");
    }
    return current;
  }

  async function flushAll(): Promise<string> {
    // What an inner stage releases at the end still goes through every outer stage's chunk()
    // before that outer stage flushes what it held back itself.
    let pending = "";
    for (let i = 0; i < innerFirst.length; i++) {
      const stage = innerFirst[i] as Stage;
      if (pending !== "") pending = await step(stage, pending, "chunk");
      pending += await step(stage, "", "flush");
    }
    return pending;
  }

  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  }

  return {
    chunk: (text) => serial(() => outwards(text, 0)),
    flush: () => serial(flushAll),
    [BATCH]: (texts) => serial(() => outwardsMany(texts)) as unknown as Promise<string[]>,
  };
}

function checked(stage: Stage, out: unknown, call: "chunk" | "flush"): string {
  if (typeof out !== "string")
    throw misbehaved(stage.agent, `${call}() returned ${typeof out}, expected a string`);
  return out;
}

function misbehaved(agent: string, what: string): AgentError {
  return new AgentError(agent, 500, `agent "${agent}" failed: ${what}`);
}
