// Shared by /api/chat and /api/generate: model checks, load/unload, and streaming or collected output.
import { utcTimestamp } from "../clock.ts";
import type { Body, Ctx } from "../context.ts";
import { str } from "../context.ts";
import { parseKeepAlive, thinkOn } from "../go-values.ts";
import { emptyResponse, goJson, jsonOk, NDJSON, ollamaError } from "../http.ts";
import { findModel, fullName } from "../names.ts";
import { metrics, type Piece, type ReplyPlan } from "../reply.ts";
import { loadModel, unloadModel } from "../state.ts";
import { streamDuration, streamResponse } from "../stream.ts";
import type { FakeModel } from "../types.ts";

export type Route = "chat" | "generate";

export interface Target {
  model: FakeModel;
  /** The name as the client sent it: Ollama echoes it back and uses it in most errors. */
  requested: string;
  /** undefined = server default; 0 = unload after the request. */
  keepAliveMs: number | undefined;
}

/** Validation common to both routes, in Ollama's order. */
export function resolveTarget(body: Body, route: Route, models: readonly FakeModel[]): Target | Response {
  const topLogprobs = body.top_logprobs;
  if (typeof topLogprobs === "number" && (topLogprobs < 0 || topLogprobs > 20)) {
    return ollamaError(400, "top_logprobs must be between 0 and 20");
  }
  const requested = str(body, "model");
  // The asymmetry is Ollama's: chat says "required", generate looks the empty name up.
  if (!requested && route === "chat") return ollamaError(400, "model is required");
  const model = requested ? findModel(models, requested) : undefined;
  if (!model) return ollamaError(404, `model '${requested}' not found`);
  const keepAlive = body.keep_alive == null ? undefined : parseKeepAlive(body.keep_alive);
  const keepAliveMs = keepAlive && "ms" in keepAlive ? keepAlive.ms : undefined;
  return { model, requested, keepAliveMs };
}

export interface Needs {
  tools: boolean;
  images: boolean;
  insert: boolean;
}

/** Capability checks; returns the error response, or whether thinking output is on. */
export function checkCapabilities(
  route: Route,
  body: Body,
  t: Target,
  needs: Needs,
): Response | { thinking: boolean } {
  const caps = t.model.capabilities;
  const quoted = JSON.stringify(t.requested);
  if (!caps.includes("completion")) return ollamaError(400, `${quoted} does not support ${route}`);
  const missing = [
    needs.tools && !caps.includes("tools") ? "tools" : null,
    needs.insert && !caps.includes("insert") ? "insert" : null,
    needs.images && !caps.includes("vision") ? "vision" : null,
  ].filter((c) => c !== null);
  // Ollama's CheckCapabilities error: "<fully qualified name> does not support <caps>".
  if (missing.length)
    return ollamaError(400, `${fullName(t.requested)} does not support ${missing.join("\n")}`);
  const modelThinks = caps.includes("thinking");
  if (!modelThinks && thinkOn(body.think)) return ollamaError(400, `${quoted} does not support thinking`);
  // Omitted think on a thinking model means on.
  return { thinking: modelThinks && body.think !== false };
}

/** An empty chat or prompt only loads the model, or unloads it with keep_alive 0. */
export async function loadOnly(ctx: Ctx, t: Target, emptyOutput: Record<string, unknown>): Promise<Response> {
  const base = (reason: string) => ({
    model: t.requested,
    created_at: utcTimestamp(),
    ...emptyOutput,
    done: true,
    done_reason: reason,
  });
  if (t.keepAliveMs === 0) {
    unloadModel(ctx.fake, t.model.name);
    return jsonOk(base("unload"));
  }
  if (!(await ctx.life.sleep(ctx.knobs.firstByteDelayMs))) return emptyResponse(499);
  loadModel(ctx.fake, t.model.name, t.keepAliveMs);
  return jsonOk(base("load"));
}

export interface Renderer {
  chunk(piece: Piece): Record<string, unknown>;
  final(doneReason: string, metrics: Record<string, number>): Record<string, unknown>;
  collected(pieces: Piece[], doneReason: string, metrics: Record<string, number>): Record<string, unknown>;
}

/** A body that errors at once: Bun resets the socket before sending anything, like a crash would. */
function cutConnection(ctx: Ctx): Response {
  ctx.life.streaming = true;
  ctx.life.finish();
  const body = new ReadableStream({ start: (c) => c.error(undefined) });
  return new Response(body, { headers: { "content-type": "application/json; charset=utf-8" } });
}

export async function runInference(
  ctx: Ctx,
  t: Target,
  opts: { stream: boolean; plan: ReplyPlan; promptTokens: number; render: Renderer },
): Promise<Response> {
  const { knobs, fake } = ctx;
  if (!(await ctx.life.sleep(knobs.firstByteDelayMs))) return emptyResponse(499);
  loadModel(fake, t.model.name, t.keepAliveMs);
  const unloadIfAsked = () => {
    if (t.keepAliveMs === 0) unloadModel(fake, t.model.name);
  };
  const { pieces, doneReason } = opts.plan;
  const m = withKnobs(metrics(opts.promptTokens, pieces.length), knobs.metrics);
  const total = pieces.length + 1;
  if (!opts.stream) {
    // Ollama collects the same stream internally, so the knobs act at the same chunk counts.
    const within = (n: number | null) => (n !== null && n < total ? n : null);
    const failAt = within(knobs.failAfterChunks);
    const dropAt = within(knobs.dropAfterChunks);
    const stopAt = Math.min(failAt ?? total, dropAt ?? total);
    if (!(await streamDuration(ctx, stopAt, knobs.chunkDelayMs))) return emptyResponse(499);
    if (dropAt === stopAt) return cutConnection(ctx);
    if (failAt !== null) return ollamaError(500, knobs.failMessage);
    unloadIfAsked();
    return jsonOk(opts.render.collected(pieces, doneReason, m));
  }
  const frames = [...pieces.map((p) => opts.render.chunk(p)), opts.render.final(doneReason, m)].map(
    (o) => `${goJson(o)}\n`,
  );
  return streamResponse(
    ctx,
    {
      frames,
      delayMs: knobs.chunkDelayMs,
      failAfter: knobs.failAfterChunks,
      failFrame: `${goJson({ error: knobs.failMessage })}\n`,
      dropAfter: knobs.dropAfterChunks,
      endAfter: knobs.endAfterChunks,
      onDone: unloadIfAsked,
      hugeLine: knobs.hugeLineBytes,
    },
    NDJSON,
  );
}

/** The x-fake-* metric knobs win over the estimates; total_duration is their sum plus a little, as before. */
function withKnobs(m: Record<string, number>, set: Record<string, number>): Record<string, number> {
  if (Object.keys(set).length === 0) return m;
  const out = { ...m, ...set };
  out.total_duration =
    (out.load_duration ?? 0) + (out.prompt_eval_duration ?? 0) + (out.eval_duration ?? 0) + 500_000;
  return out;
}
