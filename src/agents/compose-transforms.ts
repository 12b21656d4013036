// Composes a chain's response transforms into one: innermost (rightmost) agent first, flush cascading out.
import type { PreparedChain } from "./chain-types.ts";
import { AgentError } from "./errors.ts";
import { guarded, wrap } from "./guard.ts";
import type { AgentRequest, ResponseTransform } from "./types.ts";

interface Stage {
  agent: string;
  transform: ResponseTransform;
}

/**
 * One transform for the whole chain, or null when no agent in it transforms. Every step is awaited
 * before the next piece is accepted, so a slow agent slows the stream down instead of making the
 * proxy buffer the answer; calls made without awaiting are queued in order, never interleaved.
 */
export function composeTransforms(
  chain: PreparedChain,
  request: AgentRequest,
  timeoutMs: number,
): ResponseTransform | null {
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
    if (typeof out !== "string")
      throw misbehaved(stage.agent, `${call}() returned ${typeof out}, expected a string`);
    return out;
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
  function serial(work: () => Promise<string>): Promise<string> {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  }

  return {
    chunk: (text) => serial(() => outwards(text, 0)),
    flush: () => serial(flushAll),
  };
}

function misbehaved(agent: string, what: string): AgentError {
  return new AgentError(agent, 500, `agent "${agent}" failed: ${what}`);
}
