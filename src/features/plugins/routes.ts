// GET /plugins and GET /plugins/:name: every agent file, loaded, failed (and why) or still loading,
// and the presets built from them.
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import type { AgentRegistry } from "../../agents/index.ts";
import type { PresetStatus } from "../../models/index.ts";
import type { AppEnv } from "../../types.ts";
import { describeFailed, describeLoaded, describeLoading, findAgent } from "./describe.ts";

export interface PluginsDeps {
  registry: AgentRegistry;
  /** The config file's presets (agent chains picked as models), ready or failed and why. */
  presets?: () => PresetStatus[];
}

/** Agent names and file names; bounded, so nothing a client sends is echoed back at any length. */
const nameParam = z.object({
  name: z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
});

export function createPluginsRoutes(deps: PluginsDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/plugins", (c) => {
    const snapshot = deps.registry.snapshot();
    const loaded = snapshot.list().map(describeLoaded);
    const failed = snapshot.failed().map(describeFailed);
    const loading = snapshot.loading().map(describeLoading);
    return c.json({
      loaded: loaded.length,
      failed: failed.length,
      loading: loading.length,
      agents: [...loaded, ...failed, ...loading],
      presets: (deps.presets?.() ?? []).map((p) => ({
        name: p.name,
        status: p.status,
        model: p.preset.model,
        agents: p.preset.agents,
        problems: p.problems,
      })),
    });
  });

  const validName = zValidator("param", nameParam, (result, c) => {
    if (!result.success)
      return c.json({ error: "not an agent name: letters, digits, '.', '-' or '_', at most 128" }, 400);
  });
  app.get("/plugins/:name", validName, (c) => {
    const { name } = c.req.valid("param");
    const agent = findAgent(deps.registry.snapshot(), name);
    if (!agent) return c.json({ error: `agent "${name}" not found` }, 404);
    return c.json(agent);
  });
  return app;
}
