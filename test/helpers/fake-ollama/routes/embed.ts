// POST /api/embed (batch, L2-normalised) and the legacy POST /api/embeddings (single, raw).
import { type Ctx, decodeBody, str } from "../context.ts";
import { parseKeepAlive } from "../go-values.ts";
import { emptyResponse, jsonOk, ollamaError } from "../http.ts";
import { findModel } from "../names.ts";
import { countTokens } from "../reply.ts";
import { loadModel, unloadModel } from "../state.ts";
import type { FakeModel } from "../types.ts";

const DIMENSIONS = 8;

/** Deterministic raw vector in [-1, 1] from a hash of the text, so equal texts embed equally. */
export function rawVector(text: string): number[] {
  const bytes = new Bun.CryptoHasher("sha256").update(text).digest();
  return Array.from({ length: DIMENSIONS }, (_, i) => ((bytes[i] ?? 0) / 255) * 2 - 1);
}

function normalize(v: number[]): number[] {
  const norm = Math.hypot(...v) || 1;
  // Ollama's vectors are float32.
  return v.map((x) => Math.fround(x / norm));
}

function keepAliveMs(value: unknown): number | undefined {
  const k = value == null ? undefined : parseKeepAlive(value);
  return k && "ms" in k ? k.ms : undefined;
}

/** Loads for the request's duration (and beyond, unless keep_alive is 0); false if the client left. */
async function withModel(ctx: Ctx, m: FakeModel, keepAlive: unknown): Promise<boolean> {
  if (!(await ctx.life.sleep(ctx.knobs.firstByteDelayMs))) return false;
  const ms = keepAliveMs(keepAlive);
  loadModel(ctx.fake, m.name, ms);
  if (ms === 0) unloadModel(ctx.fake, m.name);
  return true;
}

export async function handleEmbed(ctx: Ctx): Promise<Response> {
  const body = decodeBody(ctx, "embed");
  if (body instanceof Response) return body;
  const input = body.input;
  let texts: string[];
  if (typeof input === "string") texts = input ? [input] : [];
  else if (Array.isArray(input) && input.every((x) => typeof x === "string")) texts = input;
  else if (input == null) texts = [];
  else return ollamaError(400, "invalid input type");
  const requested = str(body, "model");
  if (!requested) return ollamaError(404, "model '' not found");
  const m = findModel(ctx.fake.models, requested);
  if (!m) return ollamaError(404, `model ${JSON.stringify(requested)} not found, try pulling it first`);
  if (!(await withModel(ctx, m, body.keep_alive))) return emptyResponse(499);
  if (texts.length === 0) return jsonOk({ model: requested, embeddings: [] });
  const dims = typeof body.dimensions === "number" ? body.dimensions : 0;
  const embeddings = texts.map((text) => {
    const v = normalize(rawVector(text));
    return dims > 0 && dims < v.length ? normalize(v.slice(0, dims)) : v;
  });
  const promptTokens = texts.reduce((n, t) => n + countTokens(t), 0);
  return jsonOk({
    model: requested,
    embeddings,
    total_duration: 2_500_000 + promptTokens * 100_000,
    load_duration: 1_250_000,
    prompt_eval_count: promptTokens,
  });
}

export async function handleEmbeddings(ctx: Ctx): Promise<Response> {
  const body = decodeBody(ctx, "embeddings");
  if (body instanceof Response) return body;
  const requested = str(body, "model");
  if (!requested) return ollamaError(400, "model is required");
  const m = findModel(ctx.fake.models, requested);
  if (!m) return ollamaError(404, `model ${JSON.stringify(requested)} not found, try pulling it first`);
  if (!(await withModel(ctx, m, body.keep_alive))) return emptyResponse(499);
  const prompt = str(body, "prompt");
  return jsonOk({ embedding: prompt ? rawVector(prompt) : [] });
}
