// Starts the proxy with the model feature wired in, the way the lead wires it in src/main.ts.
import { configFrom } from "../../src/config/index.ts";
import type { Settings } from "../../src/config/settings.ts";
import { createModelFeature, type ModelFeature } from "../../src/features/models/index.ts";
import { createLogger } from "../../src/log.ts";
import type { PullWaitTiming } from "../../src/models/pull-wait.ts";
import { createUpstreamClient } from "../../src/upstream/client.ts";
import { startProxy, type TestProxy } from "./proxy.ts";

export interface ModelProxy extends TestProxy {
  feature: ModelFeature;
  /** Log lines of the model feature (pull started/finished/failed, warm-up). */
  modelLogs: Array<Record<string, unknown>>;
}

export interface ModelProxyOptions {
  upstreamUrl: string;
  settings?: Partial<Settings>;
  timing?: Partial<PullWaitTiming>;
  /** Awaits the feature's start() (catalog read, warm-up) before returning. */
  start?: boolean;
}

export async function startModelProxy(opts: ModelProxyOptions): Promise<ModelProxy> {
  const settings: Partial<Settings> = { logLevel: "debug", ...opts.settings };
  const config = configFrom({ port: 0, ollamaUrl: opts.upstreamUrl, ...settings });
  const modelLogs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    write: (l) => modelLogs.push(JSON.parse(l)),
  });
  const upstream = createUpstreamClient({ baseUrl: config.ollamaUrl, idleTimeoutMs: 0 });
  const feature = createModelFeature({ config, upstream, logger, timing: opts.timing });
  const proxy = startProxy({
    upstreamUrl: opts.upstreamUrl,
    settings,
    models: feature.service,
    features: [feature.routes],
    healthSections: { models: feature.health },
    extraModels: feature.extraModels,
  });
  if (opts.start) await feature.start();
  return {
    ...proxy,
    feature,
    modelLogs,
    stop: async () => {
      feature.stop();
      await proxy.stop();
    },
  };
}
