// GET /v1/models, GET /v1/models/:id (names with "/" included) and POST /v1/embeddings.
import { Hono } from "hono";
import { ProxyError } from "../../errors.ts";
import { bodyText, requestSignal } from "../../http/request-body.ts";
import type { ModelService } from "../../models/types.ts";
import type { AppEnv } from "../../types.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import type { EmbedResponse, TagsResponse } from "../../wire/ollama.ts";
import { readOpenAIJson } from "./read-body.ts";
import {
  type ExtraModel,
  toEmbeddingsResponse,
  toModelList,
  translateEmbeddingsRequest,
} from "./translate/index.ts";

export interface OpenAIModelDeps {
  upstream: UpstreamClient;
  models: ModelService;
  /** Extra entries for the list, e.g. configured aliases. */
  extraModels?: () => ExtraModel[];
}

export function createOpenAIModelRoutes(deps: OpenAIModelDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const tags = (signal: AbortSignal) => deps.upstream.json<TagsResponse>("/api/tags", { signal });

  app.get("/v1/models", async (c) =>
    c.json(toModelList(await tags(requestSignal(c)), deps.extraModels?.() ?? [])),
  );

  // Ollama's own route takes one path segment, so `hf.co/org/model` could not be retrieved; this one can.
  app.get("/v1/models/:id{.+}", async (c) => {
    const id = c.req.param("id");
    const list = toModelList(await tags(requestSignal(c)), deps.extraModels?.() ?? []);
    const wanted = [id, id.includes(":") ? id : `${id}:latest`];
    const found = list.data.find((m) => wanted.includes(m.id));
    if (!found)
      throw new ProxyError(404, `The model '${id}' does not exist`, "proxy", "model", "model_not_found");
    return c.json(found);
  });

  app.post("/v1/embeddings", async (c) => {
    const translated = translateEmbeddingsRequest(readOpenAIJson(await bodyText(c)));
    const model = deps.models.resolve(translated.requestedModel);
    c.set("model", model);
    c.get("access")?.checkModel(model);
    for await (const _ of deps.models.ensure(model, requestSignal(c))) {
      // Embeddings are one-shot: nothing to show while a pull runs.
    }
    const native = await deps.upstream.json<EmbedResponse>("/api/embed", {
      payload: { ...translated.body, model },
      signal: requestSignal(c),
    });
    return c.json(
      toEmbeddingsResponse(native, {
        model: translated.requestedModel,
        encodingFormat: translated.encodingFormat,
      }),
    );
  });
  return app;
}
