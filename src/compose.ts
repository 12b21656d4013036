// Builds the whole proxy from a Config: upstream client, agents, model management, the Hono app.
// The entry file and the tests both use it, so tests exercise exactly what users run.
import { type AgentRegistry, type AgentSettingsMap, createAgentRegistry } from "./agents/index.ts";
import { createApp } from "./app.ts";
import { type Auth, createAuth } from "./auth/index.ts";
import type { Config } from "./config/index.ts";
import { createAdminRoutes } from "./features/admin/routes.ts";
import { createModelFeature, type ModelFeature } from "./features/models/index.ts";
import { createPluginsRoutes } from "./features/plugins/routes.ts";
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
  /** Pacing that only tests change: pull progress texts, the agents folder's reload debounce, agent idle time. */
  tuning?: {
    pullTiming?: Partial<PullWaitTiming>;
    agentReloadDebounceMs?: number;
    agentIdleMs?: number;
    /** AUTH=keys: how often keys are reloaded from the store and usage written to it. */
    auth?: { refreshMs?: number; flushMs?: number };
  };
}

export interface ComposedProxy {
  app: ReturnType<typeof createApp>;
  registry: AgentRegistry;
  models: ModelFeature;
  upstream: UpstreamClient;
  /** With AUTH=keys: the key store, usage recorder and middleware; null with AUTH=off. */
  auth: Auth | null;
  /** Background work once the server listens: reads the model list, warms WARM_MODELS up. */
  start(): Promise<void>;
  /** Stops watching the agents folder and stops warm-ups and pulls in flight; writes pending usage. */
  stop(): Promise<void>;
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
    settings: input.agentSettings,
    watch: config.agentsWatch,
    debounceMs: input.tuning?.agentReloadDebounceMs,
    importTimeoutMs: config.agentImportTimeoutMs,
    timeoutMs: config.agentTimeoutMs,
    memoryLimitMb: config.agentMemoryMb,
    idleMs: input.tuning?.agentIdleMs,
  });
  // Not awaited: agent files load in the background and join the snapshot as each one is ready.
  const models = createModelFeature({ config, upstream, logger, timing: input.tuning?.pullTiming });
  const auth =
    config.auth === "keys"
      ? await createAuth({
          settings: config,
          logger,
          resolve: (model) => models.service.resolve(model),
          tuning: input.tuning?.auth,
        })
      : null;
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
      unknownCommand: config.unknownCommand,
    }),
    models: models.service,
    health: {
      agents: () => registry.counts(),
      sections: auth ? { models: models.health, auth: auth.health } : { models: models.health },
    },
    extraModels: models.extraModels,
    features: [
      models.routes,
      createPluginsRoutes({ registry }),
      ...(auth ? [createAdminRoutes({ store: auth.store })] : []),
    ],
    auth: auth?.middleware,
    stop: input.stop,
  });
  return {
    app,
    registry,
    models,
    upstream,
    auth,
    start: () => models.start(),
    async stop() {
      registry.close();
      models.stop();
      await auth?.close();
    },
  };
}
