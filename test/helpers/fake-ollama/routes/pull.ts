// POST /api/pull: progress per layer from the fake registry, then the model is installed.
import { type Ctx, decodeBody, str } from "../context.ts";
import { ollamaError } from "../http.ts";
import { isValidName, normalizeName } from "../names.ts";
import { installModel } from "../state.ts";
import { layerLines, type Progress, progressResponse, transferFailMessage } from "./progress.ts";

export function handlePull(ctx: Ctx): Promise<Response> | Response {
  const body = decodeBody(ctx, "pull");
  if (body instanceof Response) return body;
  const requested = str(body, "model") || str(body, "name");
  if (!requested || !isValidName(requested)) return ollamaError(400, "invalid model name");
  const name = normalizeName(requested);
  const entry = ctx.fake.registry.find((r) => normalizeName(r.name) === name);
  const lines: Progress[] = [{ status: "pulling manifest" }];
  if (!entry) {
    return progressResponse(ctx, body, {
      lines: [...lines, { status: "success" }],
      failAfter: 1,
      failMessage: "pull model manifest: file does not exist",
    });
  }
  entry.layers.forEach((total, i) => {
    lines.push(...layerLines("pulling", `layer:${name}:${i}`, total, [0.25, 0.6, 1]));
  });
  lines.push({ status: "verifying sha256 digest" }, { status: "writing manifest" }, { status: "success" });
  return progressResponse(ctx, body, {
    lines,
    failAfter: ctx.knobs.pullFailAfterLines,
    failMessage: transferFailMessage(ctx),
    onDone: () => {
      const existing = ctx.fake.models.find((m) => normalizeName(m.name) === name);
      installModel(ctx.fake, {
        ...existing,
        name,
        capabilities: entry.capabilities ?? existing?.capabilities ?? ["completion"],
        size: existing?.size ?? entry.layers.reduce((a, b) => a + b, 0),
      });
    },
  });
}
