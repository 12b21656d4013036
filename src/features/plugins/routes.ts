// GET /plugins and GET /plugins/:name: every agent file, loaded or failed, and why.
import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/index.ts";
import type { AppEnv } from "../../types.ts";
import { describeFailed, describeLoaded, findAgent } from "./describe.ts";

export interface PluginsDeps {
  registry: AgentRegistry;
}

export function createPluginsRoutes(deps: PluginsDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/plugins", (c) => {
    const snapshot = deps.registry.snapshot();
    const loaded = snapshot.list().map(describeLoaded);
    const failed = snapshot.failed().map(describeFailed);
    return c.json({ loaded: loaded.length, failed: failed.length, agents: [...loaded, ...failed] });
  });

  app.get("/plugins/:name", (c) => {
    const name = c.req.param("name");
    const agent = findAgent(deps.registry.snapshot(), name);
    if (!agent) return c.json({ error: `agent "${name}" not found` }, 404);
    return c.json(agent);
  });
  return app;
}
