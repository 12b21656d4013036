// Shared by pull, push and create: NDJSON progress lines, or just the last one with stream:false.
import type { Body, Ctx } from "../context.ts";
import { wantsStream } from "../context.ts";
import { PULL_FAIL_MESSAGE } from "../defaults.ts";
import { emptyResponse, goJson, jsonPlain, NDJSON } from "../http.ts";
import { sha256Hex } from "../names.ts";
import { streamDuration, streamResponse } from "../stream.ts";

export interface Progress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

export interface ProgressPlan {
  lines: Progress[];
  /** After this many lines, an error line replaces the rest. */
  failAfter: number | null;
  failMessage: string;
  /** Runs after the last line: this is when the model gets installed. */
  onDone?: () => void;
}

/** Progress lines for one layer: the first lacks "completed" because Ollama omits zero values. */
export function layerLines(verb: string, seed: string, total: number, steps: number[]): Progress[] {
  const hex = sha256Hex(seed);
  const base = { status: `${verb} ${hex.slice(0, 12)}`, digest: `sha256:${hex}`, total };
  return [base, ...steps.map((f) => ({ ...base, completed: Math.round(total * f) }))];
}

/** Transfers break with a network-ish error unless the test chose the message by header. */
export function transferFailMessage(ctx: Ctx): string {
  return ctx.knobs.failMessageFromHeader ? ctx.knobs.failMessage : PULL_FAIL_MESSAGE;
}

export async function progressResponse(ctx: Ctx, body: Body, plan: ProgressPlan): Promise<Response> {
  const { knobs } = ctx;
  if (!(await ctx.life.sleep(knobs.firstByteDelayMs))) return emptyResponse(499);
  const failAfter = plan.failAfter !== null && plan.failAfter < plan.lines.length ? plan.failAfter : null;
  if (!wantsStream(body)) {
    // Ollama waits for the whole job, then answers with its last message (errors: 500).
    const sent = failAfter ?? plan.lines.length;
    if (!(await streamDuration(ctx, sent, knobs.pullChunkDelayMs))) return emptyResponse(499);
    if (failAfter !== null) return jsonPlain({ error: plan.failMessage }, 500);
    plan.onDone?.();
    return jsonPlain(plan.lines.at(-1) ?? {});
  }
  return streamResponse(
    ctx,
    {
      frames: plan.lines.map((l) => `${goJson(l)}\n`),
      delayMs: knobs.pullChunkDelayMs,
      failAfter,
      failFrame: `${goJson({ error: plan.failMessage })}\n`,
      dropAfter: null,
      endAfter: knobs.endAfterChunks,
      onDone: plan.onDone,
      hugeLine: knobs.hugeLineBytes,
    },
    NDJSON,
  );
}
