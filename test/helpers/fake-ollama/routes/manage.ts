// POST /api/copy and DELETE /api/delete: 200 with an empty body on success, like Ollama.
import { type Ctx, decodeBody, str } from "../context.ts";
import { emptyResponse, ollamaError } from "../http.ts";
import { findModel, isValidName } from "../names.ts";
import { installModel, removeModel } from "../state.ts";

export function handleCopy(ctx: Ctx): Response {
  const body = decodeBody(ctx, "copy");
  if (body instanceof Response) return body;
  const source = str(body, "source");
  const destination = str(body, "destination");
  if (!isValidName(source)) return ollamaError(400, `source ${JSON.stringify(source)} is invalid`);
  if (!isValidName(destination))
    return ollamaError(400, `destination ${JSON.stringify(destination)} is invalid`);
  const m = findModel(ctx.fake.models, source);
  if (!m) return ollamaError(404, `model ${JSON.stringify(source)} not found`);
  installModel(ctx.fake, { ...m, name: destination });
  return emptyResponse(200);
}

export function handleDelete(ctx: Ctx): Response {
  const body = decodeBody(ctx, "delete");
  if (body instanceof Response) return body;
  const requested = str(body, "model") || str(body, "name");
  if (!requested) return ollamaError(400, "model is required");
  if (!isValidName(requested)) return ollamaError(400, `name ${JSON.stringify(requested)} is invalid`);
  if (!findModel(ctx.fake.models, requested)) return ollamaError(404, `model '${requested}' not found`);
  removeModel(ctx.fake, requested);
  return emptyResponse(200);
}
