// GET /api/tags, GET /api/ps and POST /api/show.
import { type Ctx, decodeBody, str } from "../context.ts";
import { emptyResponse, jsonOk, ollamaError } from "../http.ts";
import { psEntry, showBody, tagEntry } from "../model-info.ts";
import { findModel, normalizeName } from "../names.ts";
import { type FakeState, modifiedAtOf } from "../state.ts";
import type { FakeModel } from "../types.ts";

/** Ollama lists the most recently modified models first. */
export function byNewest(fake: FakeState): FakeModel[] {
  return [...fake.models].sort((a, b) => modifiedAtOf(fake, b.name) - modifiedAtOf(fake, a.name));
}

/** A slow listing (x-fake-first-byte-delay-ms) lets tests hold a GET silent, as a busy Ollama can. */
export async function handleTags(ctx: Ctx): Promise<Response> {
  const { fake } = ctx;
  if (!(await ctx.life.sleep(ctx.knobs.firstByteDelayMs))) return emptyResponse(499);
  return jsonOk({ models: byNewest(fake).map((m) => tagEntry(fake, m)) });
}

export function handlePs(ctx: Ctx): Response {
  const { fake } = ctx;
  const entries = [...fake.loaded].flatMap((name) => {
    const m = findModel(fake.models, name);
    return m ? [{ m, expiresAt: fake.expiries.get(normalizeName(name)) ?? Number.POSITIVE_INFINITY }] : [];
  });
  // Ollama lists the model expiring last first.
  entries.sort((a, b) => b.expiresAt - a.expiresAt);
  return jsonOk({ models: entries.map((e) => psEntry(e.m, e.expiresAt)) });
}

export function handleShow(ctx: Ctx): Response {
  const body = decodeBody(ctx, "show");
  if (body instanceof Response) return body;
  const requested = str(body, "model") || str(body, "name");
  if (!requested) return ollamaError(400, "model is required");
  const m = findModel(ctx.fake.models, requested);
  if (!m) return ollamaError(404, `model '${normalizeName(requested)}' not found`);
  // Ollama special-cases Copilot: it shows the requested name as the model's base name.
  const copilot = ctx.req.headers.get("user-agent")?.startsWith("GitHubCopilotChat/");
  return jsonOk(
    showBody(ctx.fake, m, { verbose: body.verbose === true, basename: copilot ? requested : undefined }),
  );
}
