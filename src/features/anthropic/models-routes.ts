// GET /v1/models and /v1/models/{id} in Anthropic's shapes, for clients that send `anthropic-version`
// (every Anthropic SDK does); every other client falls through to the OpenAI dialect's routes.
import { type Context, Hono, type Next } from "hono";
import { requestSignal } from "../../http/request-body.ts";
import type { AppEnv } from "../../types.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import type { TagsResponse } from "../../wire/ollama.ts";
import { AnthropicRequestError } from "./errors.ts";
import { type ListedModel, pageOf, toAnthropicModels } from "./translate/index.ts";

export interface AnthropicModelDeps {
  upstream: UpstreamClient;
  /** Entries listed besides the installed models (configured aliases). */
  extraModels?: () => ListedModel[];
}

const speaksAnthropic = (c: Context<AppEnv>) => c.req.header("anthropic-version") !== undefined;

/** Anthropic's bounds for `limit`: 1 to 1000, 20 when absent. */
function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new AnthropicRequestError("limit: Input should be an integer between 1 and 1000");
  }
  return n;
}

export function createAnthropicModelRoutes(deps: AnthropicModelDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const listed = async (c: Context<AppEnv>) => {
    const tags = await deps.upstream.json<TagsResponse>("/api/tags", { signal: requestSignal(c) });
    const models = toAnthropicModels(tags, deps.extraModels?.() ?? []);
    // With keys, the page is cut from what the key may use: has_more and the ids then stay true.
    const access = c.get("access");
    return access ? models.filter((m) => access.lists(m.id)) : models;
  };

  app.get("/v1/models", async (c, next: Next) => {
    if (!speaksAnthropic(c)) return next();
    const afterId = c.req.query("after_id");
    const beforeId = c.req.query("before_id");
    if (afterId !== undefined && beforeId !== undefined) {
      throw new AnthropicRequestError("after_id and before_id cannot both be given");
    }
    const limit = limitOf(c.req.query("limit"));
    return c.json(pageOf(await listed(c), { limit, afterId, beforeId }));
  });

  // Names with "/" (hf.co/org/model) included, as on the OpenAI route.
  app.get("/v1/models/:id{.+}", async (c, next: Next) => {
    if (!speaksAnthropic(c)) return next();
    const id = c.req.param("id");
    const wanted = [id, id.includes(":") ? id : `${id}:latest`];
    const found = (await listed(c)).find((m) => wanted.includes(m.id));
    if (!found) throw new AnthropicRequestError(`model: ${id}`, 404);
    return c.json(found);
  });
  return app;
}
