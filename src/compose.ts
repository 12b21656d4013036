// Builds the whole proxy from a Config: upstream client, agents, model management, the Hono app.
// The entry file and the tests both use it, so tests exercise exactly what users run.
import {
  type AgentRegistry,
  type AgentSettingsMap,
  checkCommandChain,
  createAgentRegistry,
} from "./agents/index.ts";
import { createApp } from "./app.ts";
import type { Config, LoadResult } from "./config/index.ts";
import { type ConfigReloader, createConfigReloader } from "./config/reload.ts";
import { type ConfigStore, createConfigStore } from "./config/store.ts";
import { createConfigRoutes } from "./features/config/routes.ts";
import { createModelFeature, type ModelFeature } from "./features/models/index.ts";
import { createPluginsRoutes } from "./features/plugins/routes.ts";
import { createUiRoutes } from "./features/ui/routes.ts";
import type { Logger } from "./log.ts";
import type { PullWaitTiming } from "./models/pull-wait.ts";
import { createAgentStage } from "./pipeline/agent-stage.ts";
import { createUpstreamClient, type FetchLike, type UpstreamClient } from "./upstream/client.ts";

export interface ComposeInput {
  config: Config;
  logger: Logger;
  version: string;
  agentSettings?: AgentSettingsMap;
  /** Replaces global fetch for upstream calls (tests). */
  fetch?: FetchLike;
  /** Aborted when the shutdown grace period is over: streams still running end with its reason. */
  stop?: AbortSignal;
  /**
   * Reads the configuration again as at start-up (flags, environment, the file): given with a config
   * file, the file is watched and a valid change applies live.
   */
  reloadConfig?: () => LoadResult;
  /** Pacing that only tests change: pull progress texts, the agents folder's and the config file's reload debounce, agent idle time. */
  tuning?: {
    pullTiming?: Partial<PullWaitTiming>;
    agentReloadDebounceMs?: number;
    agentIdleMs?: number;
    configReloadDebounceMs?: number;
  };
}

export interface ComposedProxy {
  app: ReturnType<typeof createApp>;
  registry: AgentRegistry;
  models: ModelFeature;
  upstream: UpstreamClient;
  /** The configuration in force (a config file reload replaces it). */
  config: ConfigStore;
  /** Reads the config file again now (SIGHUP); false when the change was refused or there is no file. */
  reloadConfig(): boolean;
  /** Background work once the server listens: reads the model list, warms WARM_MODELS up. */
  start(): Promise<void>;
  /** Stops watching the agents folder and the config file, and stops warm-ups and pulls in flight. */
  stop(): void;
}

export async function composeProxy(input: ComposeInput): Promise<ComposedProxy> {
  const { config, logger } = input;
  const upstream = createUpstreamClient({
    baseUrl: config.ollamaUrl,
    auth: config.ollamaAuth,
    idleTimeoutMs: config.upstreamIdleTimeoutSeconds * 1000,
    maxLineBytes: config.maxLineMb * 2 ** 20,
    fetch: input.fetch,
  });
  const registry = createAgentRegistry({
    dir: config.agentsDir,
    logger,
    settings: input.agentSettings ?? config.agentSettingsMap,
    watch: config.agentsWatch,
    debounceMs: input.tuning?.agentReloadDebounceMs,
    importTimeoutMs: config.agentImportTimeoutMs,
    timeoutMs: config.agentTimeoutMs,
    memoryLimitMb: config.agentMemoryMb,
    idleMs: input.tuning?.agentIdleMs,
  });
  const store = createConfigStore(config);
  // Agent settings follow the file: every agent loads again with the new ones (requests in flight
  // keep the agents they started with).
  store.subscribe((next, previous) => {
    if (JSON.stringify(next.agentSettingsMap) !== JSON.stringify(previous.agentSettingsMap))
      void registry.setSettings(next.agentSettingsMap);
  });
  const reloader: ConfigReloader | null =
    config.configFile && input.reloadConfig
      ? createConfigReloader({
          file: config.configFile,
          store,
          load: input.reloadConfig,
          logger,
          debounceMs: input.tuning?.configReloadDebounceMs,
        })
      : null;
  // Not awaited: agent files load in the background and join the snapshot as each one is ready.
  const models = createModelFeature({
    config,
    upstream,
    logger,
    timing: input.tuning?.pullTiming,
    live: store.current,
    agentsCheck: (commands) => checkCommandChain(commands, registry.snapshot()),
  });
  const presets = () => models.core.presets();
  const app = createApp({
    config,
    logger,
    upstream,
    version: input.version,
    startedAt: Date.now(),
    agents: createAgentStage({
      registry,
      upstream,
      timeoutMs: config.agentTimeoutMs,
      unknownCommand: () => store.current().unknownCommand,
    }),
    models: models.service,
    health: { agents: () => registry.counts(), sections: { models: models.health } },
    extraModels: models.extraModels,
    features: [
      models.routes,
      createPluginsRoutes({ registry, presets }),
      createConfigRoutes({ store, presets }),
      createUiRoutes({ basePath: config.basePath }),
    ],
    stop: input.stop,
  });
  return {
    app,
    registry,
    models,
    upstream,
    config: store,
    reloadConfig: () => reloader?.reload() ?? false,
    start: () => models.start(),
    stop() {
      reloader?.close();
      registry.close();
      models.stop();
    },
  };
}
