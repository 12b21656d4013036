// Times each agent hook of a prepared chain from the server's side (the hooks run in workers, where
// no tracing lives): the same chain with every hook wrapped to report to the request's probe.
import { BATCH, type Batchable } from "../agents/batch.ts";
import type { ChainLink, PreparedChain } from "../agents/chain-types.ts";
import type { LoadedAgent } from "../agents/snapshot.ts";
import type { AgentDefinition, ResponseTransform } from "../agents/types.ts";
import type { TurnProbe } from "../observe/probe.ts";

export function timedChain(chain: PreparedChain, probe: TurnProbe): PreparedChain {
  const links = chain.agents.map((link): ChainLink => ({ ...link, agent: timedAgent(link.agent, probe) }));
  const runner = chain.takeover
    ? (links.find((l) => l.agent.name === chain.takeover?.agent.name) ?? null)
    : null;
  return { agents: links, takeover: runner ? { agent: runner.agent, ctx: runner.ctx } : null };
}

function timedAgent(agent: LoadedAgent, probe: TurnProbe): LoadedAgent {
  const original = agent.definition;
  const definition: AgentDefinition = { ...original };
  const { name } = agent;
  if (original.onRequest) {
    const hook = original.onRequest;
    definition.onRequest = (request, ctx) => {
      const timer = probe.hook(name, "onRequest");
      return settleWith(timer, () => hook.call(original, request, ctx));
    };
  }
  if (original.transformResponse) {
    const make = original.transformResponse;
    definition.transformResponse = (ctx) => {
      const timer = probe.hook(name, "transformResponse");
      const inner = timer.time(() => make.call(original, ctx)) as ResponseTransform & Batchable;
      if (!inner || typeof inner.chunk !== "function") return inner;
      const timed: ResponseTransform & Batchable = {
        chunk: (text) => timer.time(() => inner.chunk(text)),
        flush: () => settleWith(timer, () => inner.flush?.() ?? ""),
      };
      const batch = inner[BATCH];
      if (batch) timed[BATCH] = (texts) => timer.time(() => batch.call(inner, texts));
      return timed;
    };
  }
  if (original.run) {
    const run = original.run;
    definition.run = (request, ctx) => {
      const timer = probe.hook(name, "run");
      const source = timer.time(() => run.call(original, request, ctx));
      // A wrong shape is handed on as it is, for the chain to name the mistake.
      if (!source || typeof source[Symbol.asyncIterator] !== "function") {
        timer.end(new Error("run() did not return an async iterable"));
        return source;
      }
      return timedPieces(timer, source);
    };
  }
  return { ...agent, definition };
}

/** Times one call and ends the timer with its outcome. */
function settleWith<T>(timer: ReturnType<TurnProbe["hook"]>, work: () => T): T {
  let out: T;
  try {
    out = timer.time(work);
  } catch (err) {
    timer.end(err);
    throw err;
  }
  if (out instanceof Promise)
    return out.then(
      (v) => {
        timer.end();
        return v;
      },
      (err) => {
        timer.end(err);
        throw err;
      },
    ) as T;
  timer.end();
  return out;
}

/** A takeover's time: each wait for its next piece (not the client's pace between them). */
async function* timedPieces<T>(
  timer: ReturnType<TurnProbe["hook"]>,
  source: AsyncIterable<T>,
): AsyncGenerator<T> {
  const pieces = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await timer.time(() => pieces.next());
      if (next.done) break;
      yield next.value;
    }
    timer.end();
  } catch (err) {
    timer.end(err);
    throw err;
  } finally {
    await pieces.return?.();
  }
}
