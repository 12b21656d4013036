// /admin/keys and /admin/usage: the `keys` command over HTTP, for admin keys (the auth middleware
// lets only those through); Ollama's error envelope, as every non-/v1 route.
import { Hono } from "hono";
import { createFromOptions, type KeyStore, keyView, parseDuration, utcDay } from "../../auth/index.ts";
import { KeyStoreError } from "../../auth/store.ts";
import type { KeyDefaults } from "../../config/key-defaults.ts";
import { ProxyError } from "../../errors.ts";
import { ollamaErrors } from "../../http/error-handler.ts";
import { parseJson } from "../../http/parse-json.ts";
import { bodyText } from "../../http/request-body.ts";
import type { AppEnv } from "../../types.ts";

export function createAdminRoutes(deps: { store: KeyStore; defaults?: () => KeyDefaults }): Hono<AppEnv> {
  const { store } = deps;
  // Each key as it is held to now: its own policy and the config's key defaults in force.
  const view = (record: Parameters<typeof keyView>[0]) => keyView(record, deps.defaults?.());
  const app = new Hono<AppEnv>();
  app.get("/admin/keys", async (c) => c.json({ keys: (await store.list()).map(view) }));

  app.post("/admin/keys", async (c) => {
    const body = parseBody(await bodyText(c));
    try {
      const { key, record } = await createFromOptions(store, body);
      // The only time the key is shown: the store keeps a hash of it.
      return c.json({ key, ...view(record) }, 201);
    } catch (err) {
      if (err instanceof KeyStoreError) throw new ProxyError(400, err.message);
      throw err;
    }
  });

  app.delete("/admin/keys/:id", async (c) => {
    const revoked = await store.revoke(c.req.param("id"));
    if (!revoked) throw new ProxyError(404, `no key named or prefixed '${c.req.param("id")}'`);
    return c.json(view(revoked));
  });

  app.get("/admin/usage", async (c) => {
    const since = c.req.query("since") ?? "7d";
    const ms = parseDuration(since);
    if (ms === null) throw new ProxyError(400, "since must be a duration such as 7d or 12h");
    const name = c.req.query("name") || undefined;
    return c.json({
      since: utcDay(Date.now() - ms),
      usage: await store.usage(utcDay(Date.now() - ms), name),
    });
  });
  app.onError(ollamaErrors);
  return app;
}

function parseBody(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    throw new ProxyError(400, "the body must be a JSON object");
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new ProxyError(400, "the body must be a JSON object");
  return value as Record<string, unknown>;
}
