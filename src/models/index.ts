// Public door of model management: builds the catalog, pulls, service, warm-up and status together.
import type { Logger } from "../log.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import type { TagEntry } from "../wire/ollama.ts";
import { type AliasModel, aliasModels, aliasTagEntries } from "./aliases.ts";
import { type Catalog, createCatalog } from "./catalog.ts";
import {
  type AgentsCheck,
  type PresetStatus,
  presetModels,
  presetStatuses,
  presetTagEntries,
} from "./presets.ts";
import type { PullCoordinator } from "./pull-job.ts";
import { PullManager, type PullObserver } from "./pull-manager.ts";
import type { PullWaitTiming } from "./pull-wait.ts";
import { createModelService } from "./service.ts";
import { type ModelStatus, modelStatus } from "./status.ts";
import type { ModelService, ModelSettings } from "./types.ts";
import { createWarmer, type WarmerDeps } from "./warm.ts";

export type { AliasModel } from "./aliases.ts";
export { isCloudModel, modelKey } from "./names.ts";
export type { AgentsCheck, PresetLookup, PresetStatus } from "./presets.ts";
export type { PullCoordinator, PullOutcome, PullSide } from "./pull-job.ts";
export type { PullManager, PullObserver } from "./pull-manager.ts";
export type { ModelStatus } from "./status.ts";
export { invalidModelName, isValidModelName } from "./valid-name.ts";
export type { WarmTarget } from "./warm.ts";

export interface ModelCoreDeps {
  config: ModelSettings;
  upstream: UpstreamClient;
  logger: Logger;
  /** Progress pacing for pulls (tests shorten it); defaults from PROGRESS_AFTER_MS and ~1 s. */
  timing?: Partial<PullWaitTiming>;
  /**
   * The settings in force now, when a config reload may change them. Aliases, the default model,
   * presets, pull policy and keep-alive defaults follow it; the rest stays as `config` had it.
   */
  live?: () => ModelSettings;
  /** Checks a preset's slash commands against the agents loaded now. */
  agentsCheck?: AgentsCheck;
  /** Told of every pull (metrics, events, traces). */
  pullObserver?: PullObserver;
  /** With REDIS_URL: pulls shared with the other replicas. */
  pullCoordinator?: PullCoordinator;
  /** Where warm-ups load a model: each fleet server that has it (absent: one routed call). */
  warmTargets?: WarmerDeps["targets"];
}

export interface ModelCore {
  service: ModelService;
  catalog: Catalog;
  pulls: PullManager;
  /** /api/tags entries for the aliases and presets, given the upstream's list. */
  aliasEntries(models: readonly TagEntry[]): TagEntry[];
  /** Every preset, ready or failed and why. */
  presets(): PresetStatus[];
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
    coordinator: deps.pullCoordinator,
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
  const live = deps.live ?? (() => config);
  const build = (settings: ModelSettings) =>
    createModelService({ config: settings, catalog, pulls, timing, agentsCheck: deps.agentsCheck });
  // One service per settings snapshot, built when first asked for after a reload.
  let built = { settings: config, service: build(config) };
  const pinned = (): ModelService => {
    const settings = live();
    if (settings !== built.settings) built = { settings, service: build(settings) };
    return built.service;
  };
  const service: ModelService = {
    resolve: (requested) => pinned().resolve(requested),
    ensure: (model, signal) => pinned().ensure(model, signal),
    ready: (model) => pinned().ready?.(model) ?? false,
    keepAliveFor: (model) => pinned().keepAliveFor(model),
    preset: (requested) => pinned().preset?.(requested) ?? null,
    presetProblem: (lookup) => pinned().presetProblem?.(lookup) ?? null,
    pin: pinned,
  };
  const presets = () =>
    presetStatuses(live(), catalog, (m) => pinned().resolve(m), deps.agentsCheck ?? (() => null));
  const warmer = createWarmer({
    upstream,
    logger,
    models: service,
    warmModels: config.warmModels,
    warmOnPull: config.warmOnPull,
    targets: deps.warmTargets,
  });
  return {
    service,
    catalog,
    pulls,
    aliasEntries(models) {
      const aliases = aliasTagEntries(live(), models, since);
      return [...aliases, ...presetTagEntries(presets(), models, aliases, since)];
    },
    presets,
    extraModels: () => [...aliasModels(live(), catalog), ...presetModels(presets(), catalog)],
    status: (timeoutMs) => modelStatus({ config: live(), upstream, catalog, pulls, warmer }, timeoutMs),
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
