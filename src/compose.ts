// Builds the whole proxy from a Config: upstream client, agents, model management, the Hono app.
// The entry file and the tests both use it, so tests exercise exactly what users run.
import { type AgentRegistry, type AgentSettingsMap, createAgentRegistry } from "./agents/index.ts";
import { createApp } from "./app.ts";
import type { Config } from "./config/index.ts";
import { createEventsRoutes } from "./features/events/routes.ts";
import { createModelFeature, type ModelFeature } from "./features/models/index.ts";
import { createPluginsRoutes } from "./features/plugins/routes.ts";
import type { Logger } from "./log.ts";
import { createProxyMetrics } from "./metrics/proxy-metrics.ts";
import type { PullWaitTiming } from "./models/pull-wait.ts";
import { EventBus } from "./observe/event-bus.ts";
import { pullObserver } from "./observe/pull-observer.ts";
import { createTracingFromConfig } from "./observe/tracing-config.ts";
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
    /** How long finished spans wait to be sent in a batch (1 s; tests shorten it). */
    traceExportDelayMs?: number;
    /** Longest one export (with its retries) may take (10 s). */
    traceExportTimeoutMs?: number;
  };
}

export interface ComposedProxy {
  app: ReturnType<typeof createApp>;
  registry: AgentRegistry;
  models: ModelFeature;
  upstream: UpstreamClient;
  /** What GET /events subscribers read; anything may publish to it. */
  events: EventBus;
  /** Background work once the server listens: reads the model list, warms WARM_MODELS up. */
  start(): Promise<void>;
  /** Stops watching the agents folder and stops warm-ups and pulls in flight. */
  stop(): void;
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
    onEvent: (event) => events.publish(event),
  });
  // Not awaited: agent files load in the background and join the snapshot as each one is ready.
  const models = createModelFeature({
    config,
    upstream,
    logger,
    timing: input.tuning?.pullTiming,
    pullObserver: pullObserver({ metrics: metrics.llm, events, tracing }),
  });
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
    health: { agents: () => registry.counts(), sections: { models: models.health } },
    extraModels: models.extraModels,
    features: [
      models.routes,
      createPluginsRoutes({ registry }),
      createEventsRoutes({ events, buffer: config.eventsBuffer }),
    ],
    stop: input.stop,
    observe: { metrics, tracing, events },
  });
  return {
    app,
    registry,
    models,
    upstream,
    events,
    start: () => models.start(),
    stop() {
      registry.close();
      models.stop();
      void tracing?.shutdown();
    },
  };
}
