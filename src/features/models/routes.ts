// The model routes: /api/pull (single-flight), /api/tags with aliases, alias-aware show/embed, GET /models.
import { Hono } from "hono";
import type { ModelCore, TagEntry } from "../../models/index.ts";
import type { AppEnv } from "../../types.ts";
import { type ForwardOptions, forwardWithBody, namedModel, parseObject, relay } from "./forward.ts";
import { createPullHandler } from "./pull-route.ts";

export interface ModelRoutesDeps extends ForwardOptions {
  core: ModelCore;
  /** Bound for the upstream calls of GET /models. */
  statusTimeoutMs: number;
}

/** Routes naming a model that clients also use with aliases; embeddings also pull on demand. */
const ALIAS_ROUTES = ["/api/show", "/api/embed", "/api/embeddings"] as const;

export function createModelRoutes(deps: ModelRoutesDeps): Hono<AppEnv> {
  const { core, upstream } = deps;
  const app = new Hono<AppEnv>();

  app.post("/api/pull", createPullHandler(core, deps));

  // GET also serves HEAD (Hono routes it here and drops the body).
  app.get("/api/tags", async (c) => {
    const res = await upstream.forward(c.req.raw, `/api/tags${new URL(c.req.url).search}`);
    if (!res.ok || !res.body || c.req.method === "HEAD") return relay(c, res, deps);
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
      const text = await c.req.text();
      const body = parseObject(text);
      const named = namedModel(body);
      if (!body || !named) return forwardWithBody(c, path, text, deps);
      c.get("info").model = named.name;
      const model = core.service.resolve(named.name, "ollama");
      if (path !== "/api/show") {
        for await (const _ of core.service.ensure(model, c.req.raw.signal)) {
          // One JSON answer: nothing can be shown while a pull runs.
        }
      }
      if (model === named.name) return forwardWithBody(c, path, text, deps);
      return forwardWithBody(c, path, JSON.stringify({ ...body, [named.field]: model }), deps);
    });
  }

  app.get("/models", async (c) => c.json(await core.status(deps.statusTimeoutMs)));
  return app;
}
