// Public door of the model feature: one factory giving the lead everything to wire into createApp.
import type { Hono } from "hono";
import type { Config } from "../../config/index.ts";
import type { Logger } from "../../log.ts";
import {
  type AgentsCheck,
  type AliasModel,
  createModelCore,
  type ModelCore,
  type ModelCoreDeps,
  type ModelStatus,
  type PullObserver,
} from "../../models/index.ts";
import type { PullWaitTiming } from "../../models/pull-wait.ts";
import type { ModelService } from "../../models/types.ts";
import type { AppEnv } from "../../types.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import { createModelRoutes } from "./routes.ts";

export interface ModelFeatureDeps {
  config: Config;
  upstream: UpstreamClient;
  logger: Logger;
  /** Pull progress pacing; tests shorten it. */
  timing?: Partial<PullWaitTiming>;
  /** The configuration in force now (it changes on a config file reload). */
  live?: () => Config;
  /** Checks a preset's slash commands against the agents loaded now. */
  agentsCheck?: AgentsCheck;
  /** Told of every pull (metrics, events, traces). */
  pullObserver?: PullObserver;
  /** With REDIS_URL: pulls shared with the other replicas. */
  pullCoordinator?: ModelCoreDeps["pullCoordinator"];
  /** Where warm-ups load a model: each fleet server that has it. */
  warmTargets?: ModelCoreDeps["warmTargets"];
}

export interface ModelFeature {
  /** For `AppDeps.models`: resolution, keep-alive defaults, pull on demand. */
  service: ModelService;
  /** For `AppDeps.features` (before the pass-through): /api/pull, /api/tags, show/embed aliases, GET /models. */
  routes: Hono<AppEnv>;
  /** For `AppDeps.healthSections.models`. */
  health(): Promise<ModelStatus>;
  /** For `AppDeps.extraModels`: the aliases as /v1/models entries. */
  extraModels(): AliasModel[];
  /** Reads the model list and warms WARM_MODELS up; never throws. Call after the server listens. */
  start(): Promise<void>;
  /** Stops warm-ups and pulls in flight (their waiters get a 503). */
  stop(): void;
  /** The parts, for status views and tests. */
  core: ModelCore;
}

export function createModelFeature(deps: ModelFeatureDeps): ModelFeature {
  const core = createModelCore(deps);
  const { config } = deps;
  return {
    service: core.service,
    routes: createModelRoutes({
      core,
      upstream: deps.upstream,
      statusTimeoutMs: config.healthTimeoutMs,
    }),
    health: () => core.status(config.healthTimeoutMs),
    extraModels: core.extraModels,
    start: core.start,
    stop: core.stop,
    core,
  };
}
