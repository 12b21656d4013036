// POST /api/push and POST /api/create: short progress sequences shaped like Ollama's.
import { type Ctx, decodeBody, str } from "../context.ts";
import { ollamaError } from "../http.ts";
import { findModel, fullName, isValidName, normalizeName, sha256Hex } from "../names.ts";
import { installModel } from "../state.ts";
import { layerLines, type Progress, progressResponse, transferFailMessage } from "./progress.ts";

export function handlePush(ctx: Ctx): Promise<Response> | Response {
  const body = decodeBody(ctx, "push");
  if (body instanceof Response) return body;
  const requested = str(body, "model") || str(body, "name");
  if (!requested) return ollamaError(400, "model is required");
  const m = findModel(ctx.fake.models, requested);
  const lines: Progress[] = [{ status: "retrieving manifest" }];
  if (!m) {
    const manifest = fullName(requested).replace(/:([^:/]+)$/, "/$1");
    return progressResponse(ctx, body, {
      lines: [...lines, { status: "success" }],
      failAfter: 1,
      failMessage: `open /usr/share/ollama/.ollama/models/manifests/${manifest}: no such file or directory`,
    });
  }
  const name = normalizeName(m.name);
  for (const [i, total] of [m.size ?? 1_000_000, 512].entries()) {
    lines.push(...layerLines("pushing", `layer:${name}:${i}`, total, [1]));
  }
  lines.push({ status: "pushing manifest" }, { status: "success" });
  return progressResponse(ctx, body, {
    lines,
    failAfter: ctx.knobs.pullFailAfterLines,
    failMessage: transferFailMessage(ctx),
  });
}

export function handleCreate(ctx: Ctx): Promise<Response> | Response {
  const body = decodeBody(ctx, "create");
  if (body instanceof Response) return body;
  const requested = str(body, "model") || str(body, "name");
  if (!requested || !isValidName(requested)) return ollamaError(400, "invalid model name");
  const from = str(body, "from");
  const base = from ? findModel(ctx.fake.models, from) : undefined;
  if (from && !base) {
    return progressResponse(ctx, body, {
      lines: [{ status: "pulling manifest" }, { status: "success" }],
      failAfter: 1,
      failMessage: "pull model manifest: file does not exist",
    });
  }
  const files = body.files && typeof body.files === "object" ? Object.values(body.files) : [];
  const lines: Progress[] = files.length ? [{ status: "parsing GGUF" }] : [];
  for (const digest of files)
    lines.push({ status: `using existing layer ${String(digest).replace("-", ":")}` });
  if (base)
    lines.push({ status: `using existing layer sha256:${sha256Hex(`weights:${normalizeName(base.name)}`)}` });
  for (const key of ["template", "system", "parameters", "license"]) {
    if (body[key] !== undefined)
      lines.push({ status: `creating new layer sha256:${sha256Hex(`${key}:${requested}`)}` });
  }
  lines.push({ status: "writing manifest" }, { status: "success" });
  return progressResponse(ctx, body, {
    lines,
    failAfter: ctx.knobs.pullFailAfterLines,
    failMessage: transferFailMessage(ctx),
    onDone: () => installModel(ctx.fake, { ...(base ?? { capabilities: ["completion"] }), name: requested }),
  });
}
