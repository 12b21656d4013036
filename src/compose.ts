// Builds the whole proxy from a Config: upstream client, agents, model management, the Hono app.
// The entry file and the tests both use it, so tests exercise exactly what users run.
import {
  type AgentRegistry,
  type AgentSettingsMap,
  checkCommandChain,
  createAgentRegistry,
} from "./agents/index.ts";
import { createApp } from "./app.ts";
import type { Auth } from "./auth/index.ts";
import type { Config, LoadResult } from "./config/index.ts";
import { type ConfigReloader, createConfigReloader } from "./config/reload.ts";
import { type ConfigStore, createConfigStore } from "./config/store.ts";
import { createConfigRoutes } from "./features/config/routes.ts";
import { createEventsRoutes } from "./features/events/routes.ts";
import { createModelFeature, type ModelFeature } from "./features/models/index.ts";
import { createPluginsRoutes } from "./features/plugins/routes.ts";
import { CaptureStore, captureBodies } from "./features/ui/captures.ts";
import { createUiRoutes } from "./features/ui/routes.ts";
import { createFleetClient, createSharedPulls, Fleet, fleetScope, fleetTable } from "./fleet/index.ts";
import type { Logger } from "./log.ts";
import { addFleetMetrics } from "./metrics/fleet-metrics.ts";
import { createProxyMetrics } from "./metrics/proxy-metrics.ts";
import { RunningRequests } from "./middleware/running-requests.ts";
import type { PullWaitTiming } from "./models/pull-wait.ts";
import { EventBus } from "./observe/event-bus.ts";
import { pullObserver } from "./observe/pull-observer.ts";
import { createTracingFromConfig } from "./observe/tracing-config.ts";
import { createAgentStage } from "./pipeline/agent-stage.ts";
import type { FetchLike, UpstreamClient } from "./upstream/client.ts";

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
    /** How long finished spans wait to be sent in a batch (1 s; tests shorten it). */
    traceExportDelayMs?: number;
    /** Longest one export (with its retries) may take (10 s). */
    traceExportTimeoutMs?: number;
    /** AUTH=keys: how often keys are reloaded from the store and usage written to it. */
    auth?: { refreshMs?: number; flushMs?: number };
  };
}

export interface ComposedProxy {
  app: ReturnType<typeof createApp>;
  registry: AgentRegistry;
  models: ModelFeature;
  upstream: UpstreamClient;
  /** The upstream servers (UPSTREAMS, or OLLAMA_URL as a fleet of one). */
  fleet: Fleet;
  /** The configuration in force (a config file reload replaces it). */
  config: ConfigStore;
  /** Reads the config file again now (SIGHUP); false when the change was refused or there is no file. */
  reloadConfig(): boolean;
  /** What GET /events subscribers read; anything may publish to it. */
  events: EventBus;
  /** With AUTH=keys: the key store, usage recorder and middleware; null with AUTH=off. */
  auth: Auth | null;
  /** The dashboard's body captures (CAPTURE_BODIES). */
  captures: CaptureStore;
  /** Background work once the server listens: reads the model list, warms WARM_MODELS up. */
  start(): Promise<void>;
  /** Stops watching the agents folder and the config file, and stops warm-ups and pulls in flight; writes pending usage and sends the spans still queued. */
  stop(): Promise<void>;
}

export async function composeProxy(input: ComposeInput): Promise<ComposedProxy> {
  const { config, logger } = input;
  // Observability: one record per request feeds the metrics, the request's span and the event stream.
  const metrics = createProxyMetrics();
  const events = new EventBus(() => metrics.llm.subscriberDropped());
  const tracing = await createTracingFromConfig(config, input.version, (n) => metrics.llm.spansDropped(n), {
    scheduledDelayMs: input.tuning?.traceExportDelayMs,
    exportTimeoutMs: input.tuning?.traceExportTimeoutMs,
  });
  const store = createConfigStore(config);
  // Every upstream call goes through the fleet: one server (OLLAMA_URL) or the UPSTREAMS list, live.
  // Read when /metrics is scraped, by which time the fleet exists.
  const fleetMetrics = addFleetMetrics(metrics.registry, () => fleetTable(fleet));
  const fleet = new Fleet({
    current: store.current,
    logger,
    fetch: input.fetch,
    onQueueWait: fleetMetrics.queueWait,
  });
  store.subscribe((next) => fleet.apply(next));
  const firstPoll = fleet.start();
  const upstream = createFleetClient({ fleet, current: store.current, logger });
  // REDIS_URL: replicas in front of the same fleet pull each model once between them.
  const sharedPulls = config.redisUrl
    ? createSharedPulls({
        url: config.redisUrl,
        logger,
        refresh: () => fleet.pollAll(),
        scope: () => fleetScope(fleet),
      })
    : null;
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
    onEvent: (event) => {
      if (event.type === "agent.crashed") metrics.llm.agentRestarted(event.agent, event.reason);
      events.publish(event);
    },
  });
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
    pullObserver: pullObserver({ metrics: metrics.llm, events, tracing }),
    warmTargets: (model) => upstream.warmTargets(model),
    pullCoordinator: sharedPulls ?? undefined,
  });
  const presets = () => models.core.presets();
  // AUTH is read at start-up only (a restart setting): keys, policies and limits live in the store.
  // Loaded only with AUTH=keys: the store, its SQL and Redis clients cost start-up time otherwise.
  const auth =
    config.auth === "keys"
      ? await (await import("./auth/index.ts")).createAuth({
          settings: config,
          logger,
          // Presets and aliases are judged by the model they run.
          resolve: (model) => models.service.resolve(models.service.preset?.(model)?.preset.model ?? model),
          // Live: the key cache reads them at every reload of the keys.
          defaults: () => store.current().keyDefaults,
          tuning: input.tuning?.auth,
        })
      : null;
  store.subscribe((next, previous) => {
    if (JSON.stringify(next.keyDefaults) !== JSON.stringify(previous.keyDefaults)) auth?.defaultsChanged();
  });
  const running = new RunningRequests();
  const captures = new CaptureStore(() => {
    const c = store.current();
    return { enabled: c.captureBodies, bufferBytes: c.captureBufferBytes, bodyBytes: c.captureBodyBytes };
  });
  const app = createApp({
    running,
    captures: captureBodies(captures),
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
    health: {
      agents: () => registry.counts(),
      sections: {
        models: models.health,
        upstreams: () => fleetTable(fleet),
        ...(auth ? { auth: auth.health } : {}),
      },
      serversDown: () => fleetTable(fleet).servers.filter((s) => s.state === "down").length,
    },
    extraModels: models.extraModels,
    features: [
      models.routes,
      createPluginsRoutes({ registry, presets }),
      createConfigRoutes({ store, presets }),
      createEventsRoutes({ events, buffer: config.eventsBuffer }),
      ...(auth
        ? [
            (await import("./features/admin/routes.ts")).createAdminRoutes({
              store: auth.store,
              defaults: () => store.current().keyDefaults,
            }),
          ]
        : []),
      createUiRoutes({ basePath: config.basePath, running, captures }),
    ],
    auth: auth?.middleware,
    stop: input.stop,
    observe: { metrics, tracing, events },
  });
  return {
    app,
    registry,
    models,
    upstream,
    fleet,
    config: store,
    reloadConfig: () => reloader?.reload() ?? false,
    events,
    auth,
    captures,
    start: () => firstPoll.then(() => models.start()),
    async stop() {
      fleet.stop();
      reloader?.close();
      registry.close();
      models.stop();
      sharedPulls?.close();
      // Spans still queued go out now (the graceful stop bounds this by what is left of its grace).
      await Promise.all([tracing?.shutdown(), auth?.close()]);
    },
  };
}
