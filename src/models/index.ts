// Public door of model management: builds the catalog, pulls, service, warm-up and status together.
import type { Logger } from "../log.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import type { TagEntry } from "../wire/ollama.ts";
import { type AliasModel, aliasModels, aliasTagEntries } from "./aliases.ts";
import { type Catalog, createCatalog } from "./catalog.ts";
import { PullManager, type PullObserver } from "./pull-manager.ts";
import type { PullWaitTiming } from "./pull-wait.ts";
import { createModelService } from "./service.ts";
import { type ModelStatus, modelStatus } from "./status.ts";
import type { ModelService, ModelSettings } from "./types.ts";
import { createWarmer } from "./warm.ts";

export type { AliasModel } from "./aliases.ts";
export { isCloudModel, modelKey } from "./names.ts";
export type { PullManager, PullObserver } from "./pull-manager.ts";
export type { ModelStatus } from "./status.ts";
export { invalidModelName, isValidModelName } from "./valid-name.ts";

export interface ModelCoreDeps {
  config: ModelSettings;
  upstream: UpstreamClient;
  logger: Logger;
  /** Progress pacing for pulls (tests shorten it); defaults from PROGRESS_AFTER_MS and ~1 s. */
  timing?: Partial<PullWaitTiming>;
  /** Told of every pull (metrics, events, traces). */
  pullObserver?: PullObserver;
}

export interface ModelCore {
  service: ModelService;
  catalog: Catalog;
  pulls: PullManager;
  /** /api/tags entries for the aliases, given the upstream's list. */
  aliasEntries(models: readonly TagEntry[]): TagEntry[];
  extraModels(): AliasModel[];
  status(timeoutMs: number): Promise<ModelStatus>;
  start(): Promise<void>;
  stop(): void;
}

export function createModelCore(deps: ModelCoreDeps): ModelCore {
  const { config, upstream, logger } = deps;
  const since = new Date();
  const catalog = createCatalog(upstream, config.modelsCacheMs);
  const pulls = new PullManager({
    upstream,
    logger,
    retryAfterMs: config.pullRetryAfterMs,
    graceMs: config.pullGraceMs,
    observer: deps.pullObserver,
    onPulled: (model) => {
      catalog.markInstalled(model);
      if (warmer.wantsAfterPull(model)) void warmer.load(model);
    },
  });
  const timing: PullWaitTiming = {
    // Always paced from PROGRESS_AFTER_MS: each dialect's renderer decides whether the texts show.
    firstAfterMs: config.progressAfterMs,
    heartbeatMs: Math.min(1000, config.progressEveryMs),
    minGapMs: 250,
    ...deps.timing,
  };
  const service = createModelService({ config, catalog, pulls, timing });
  const warmer = createWarmer({
    upstream,
    logger,
    models: service,
    warmModels: config.warmModels,
    warmOnPull: config.warmOnPull,
  });
  return {
    service,
    catalog,
    pulls,
    aliasEntries: (models) => aliasTagEntries(config, models, since),
    extraModels: () => aliasModels(config, catalog),
    status: (timeoutMs) => modelStatus({ config, upstream, catalog, pulls, warmer }, timeoutMs),
    async start() {
      await catalog.refresh();
      await warmer.start();
    },
    stop() {
      warmer.stop();
      pulls.stop();
    },
  };
}
