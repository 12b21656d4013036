// GET /config: the configuration in force (secrets masked), the source of each value, the presets
// and whether any file change waits for a restart.
import { Hono } from "hono";
import { fileKeyOf } from "../../config/file-schema.ts";
import type { ConfigStore } from "../../config/store.ts";
import { ollamaErrors } from "../../http/error-handler.ts";
import type { PresetStatus } from "../../models/index.ts";
import type { AppEnv } from "../../types.ts";
import { presetView, settingsView } from "./view.ts";

export interface ConfigRoutesDeps {
  store: ConfigStore;
  presets: () => PresetStatus[];
}

export function createConfigRoutes(deps: ConfigRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/config", (c) => {
    const config = deps.store.current();
    return c.json({
      file: config.configFile || null,
      precedence: ["flag", "env", "file", "default"],
      settings: settingsView(config),
      presets: deps.presets().map(presetView),
      pending_restart: deps.store.pendingRestart().map(fileKeyOf),
    });
  });
  app.onError(ollamaErrors);
  return app;
}
