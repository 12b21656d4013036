// The model routes: /api/pull (single-flight), /api/tags with aliases, alias-aware show/embed, GET /models.
import { Hono } from "hono";
import { ModelUnavailableError, ProxyError } from "../../errors.ts";
import { ollamaErrors } from "../../http/error-handler.ts";
import { bodyText, requestSignal } from "../../http/request-body.ts";
import type { ModelCore } from "../../models/index.ts";
import type { AppEnv } from "../../types.ts";
import type { TagEntry } from "../../wire/ollama.ts";
import { type ForwardOptions, forwardWithBody, namedModel, parseObject } from "./forward.ts";
import { createPullHandler } from "./pull-route.ts";

export interface ModelRoutesDeps extends ForwardOptions {
  core: ModelCore;
  /** Bound for the upstream calls of GET /models. */
  statusTimeoutMs: number;
}

/** Routes naming a model that clients also use with aliases; embeddings also pull on demand. */
const ALIAS_ROUTES = ["/api/show", "/api/embed", "/api/embeddings"] as const;

/** One JSON answer: nothing can be shown while a pull runs. The failure speaks as Ollama's embed does. */
async function ensureForEmbed(core: ModelCore, model: string, signal: AbortSignal): Promise<void> {
  try {
    for await (const _ of core.service.ensure(model, signal)) {
      // progress texts are dropped
    }
  } catch (err) {
    if (!(err instanceof ModelUnavailableError)) throw err;
    throw new ProxyError(
      err.status,
      `model "${model}" not found, try pulling it first (${err.reason})`,
      err.origin,
    );
  }
}

export function createModelRoutes(deps: ModelRoutesDeps): Hono<AppEnv> {
  const { core, upstream } = deps;
  const app = new Hono<AppEnv>();

  app.post("/api/pull", createPullHandler(core, deps));

  // GET also serves HEAD (Hono routes it here and drops the body).
  app.get("/api/tags", async (c) => {
    const res = await upstream.forward(c.req.raw, `/api/tags${new URL(c.req.url).search}`);
    if (!res.ok || !res.body || c.req.method === "HEAD") return res;
    const text = await res.text();
    const parsed = parseObject(text);
    const models = Array.isArray(parsed?.models) ? (parsed.models as TagEntry[]) : null;
    if (models) core.catalog.update(models);
    const extra = models ? core.aliasEntries(models) : [];
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    const body = extra.length && models ? JSON.stringify({ ...parsed, models: [...models, ...extra] }) : text;
    return new Response(body, { status: res.status, headers });
  });

  for (const path of ALIAS_ROUTES) {
    app.post(path, async (c) => {
      const text = await bodyText(c);
      const body = parseObject(text);
      const named = namedModel(body);
      if (!body || !named) return forwardWithBody(c, path, text, deps);
      const model = core.service.resolve(named.name);
      c.set("model", model);
      c.get("access")?.checkModel(model);
      if (path !== "/api/show") await ensureForEmbed(core, model, requestSignal(c));
      if (model === named.name) return forwardWithBody(c, path, text, deps);
      return forwardWithBody(c, path, JSON.stringify({ ...body, [named.field]: model }), deps);
    });
  }

  app.get("/models", async (c) => c.json(await core.status(deps.statusTimeoutMs)));
  app.onError(ollamaErrors);
  return app;
}
