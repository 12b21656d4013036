// Workload 1: non-streaming POST /api/chat with a small body, at concurrency 1 and 64.
import { type LoadSample, loadCase } from "../lib/load.ts";
import { PLAIN_MODEL } from "../lib/models.ts";
import { startHelper } from "../lib/processes.ts";
import { interleave, type Samples } from "../lib/rounds.ts";
import type { RunContext } from "../lib/run-context.ts";

export const SMALL_CHAT = {
  model: PLAIN_MODEL,
  stream: false,
  messages: [{ role: "user", content: "Say hello in one short sentence." }],
};

export interface RequestsResult {
  c1: Samples<LoadSample>;
  c64: Samples<LoadSample>;
}

export async function runRequests(ctx: RunContext): Promise<RequestsResult> {
  const result: Partial<RequestsResult> = {};
  for (const connections of [1, 64] as const) {
    ctx.progress(`workload 1: non-streaming /api/chat, concurrency ${connections}`);
    const cases = ctx.chain(["direct", "floor", "proxy", "proxy-nolog"]).map((s) =>
      loadCase({
        label: s.label,
        url: `${s.url}/api/chat`,
        body: SMALL_CHAT,
        connections,
        duration: ctx.config.duration,
        warmup: ctx.config.warmup,
        pid: s.pid,
      }),
    );
    result[`c${connections}`] = await interleave(cases, ctx.config.rounds);
  }
  return result as RequestsResult;
}

/** wrk against a server that does nothing: if the subjects came near this, wrk would be the limit. */
export async function runCeiling(ctx: RunContext): Promise<Record<"c1" | "c64", LoadSample>> {
  ctx.progress("load generator ceiling: wrk against a trivial Bun server");
  const trivial = await startHelper("baselines/trivial-server.ts");
  try {
    const at = (connections: number) =>
      loadCase({
        label: "trivial",
        url: `${trivial.url}/`,
        body: undefined,
        connections,
        duration: ctx.config.duration,
        warmup: ctx.config.warmup,
        pid: trivial.pid,
      });
    const c1 = at(1);
    await c1.warm?.();
    const c64 = at(64);
    return { c1: await c1.measure(), c64: await c64.measure() };
  } finally {
    await trivial.stop();
  }
}
