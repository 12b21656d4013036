// GET /v1/models and GET /v1/models/:model, plus the /v1 routes this fake leaves to the proxy.
import type { Ctx } from "../context.ts";
import { jsonOk, openaiError } from "../http.ts";
import { findModel, namespaceOf, normalizeName } from "../names.ts";
import { modifiedAtOf } from "../state.ts";
import type { FakeModel } from "../types.ts";
import { byNewest } from "./models.ts";

function openaiModel(ctx: Ctx, m: FakeModel, id: string) {
  return {
    id,
    object: "model",
    created: Math.floor(modifiedAtOf(ctx.fake, m.name) / 1000),
    owned_by: namespaceOf(m.name),
  };
}

export function handleV1Models(ctx: Ctx): Response {
  const data = byNewest(ctx.fake).map((m) => openaiModel(ctx, m, normalizeName(m.name)));
  return jsonOk({ object: "list", data });
}

/** Single path segment only: names with "/" never reach here (the router answers 404 text). */
export function handleV1Model(ctx: Ctx): Response {
  const id = ctx.params.model ?? "";
  const m = findModel(ctx.fake.models, id);
  if (!m) return openaiError(404, `model ${JSON.stringify(id)} not found`);
  // Ollama echoes the id as requested.
  return jsonOk(openaiModel(ctx, m, id));
}

/** Routes Ollama has but this fake does not emulate: a loud error beats a silent 404. */
export function handleV1NotEmulated(ctx: Ctx): Response {
  return openaiError(501, `fake-ollama does not emulate ${ctx.url.pathname}`);
}
