// Presets as models: finding the one a request names, what keeps it from running (a model that cannot
// be had, an agent that is not loaded), and its entries in /api/tags and /v1/models.
import type { Preset } from "../config/presets.ts";
import type { TagEntry } from "../wire/ollama.ts";
import { type AliasModel, virtualTagEntries } from "./aliases.ts";
import type { Catalog } from "./catalog.ts";
import { modelKey, pullRefusal } from "./names.ts";
import type { ModelSettings } from "./types.ts";
import { MAX_NAME_LENGTH } from "./valid-name.ts";

export interface PresetLookup {
  /** The preset's name as configured. */
  name: string;
  preset: Preset;
}

export interface PresetStatus {
  name: string;
  /** The base model after aliases. */
  target: string;
  preset: Preset;
  status: "ready" | "failed";
  /** What is missing, one line each (empty when ready). */
  problems: string[];
}

/** What the agents stage says about a preset's commands: null when they would all run. */
export type AgentsCheck = (commands: string) => string | null;

/**
 * Finds the preset a name means: exact spelling first, then Ollama's equivalence (`coder` ≡
 * `coder:latest`), as aliases. Built once per configuration; with no presets it costs nothing.
 */
export function presetFinder(presets: ModelSettings["presets"]): (requested: string) => PresetLookup | null {
  const byKey = new Map(Object.keys(presets).map((name) => [modelKey(name), name]));
  if (byKey.size === 0) return () => null;
  return (requested) => {
    if (!requested) return null;
    if (Object.hasOwn(presets, requested)) return { name: requested, preset: presets[requested] as Preset };
    // A name too long to be one is not even lower-cased (the model-name check refuses it later).
    const name = requested.length > MAX_NAME_LENGTH ? undefined : byKey.get(modelKey(requested));
    return name === undefined ? null : { name, preset: presets[name] as Preset };
  };
}

/** Why the base model cannot be had, judged from the last model list (unknown = no problem). */
export function modelProblem(config: ModelSettings, catalog: Catalog, target: string): string | null {
  if (catalog.names() === null || catalog.has(target)) return null;
  if (!config.autoPull) return `model "${target}" is not installed (and AUTO_PULL is off)`;
  const refusal = pullRefusal(target, { allow: config.pullAllow, deny: config.pullDeny });
  return refusal ? `model "${target}" is not installed and ${refusal}` : null;
}

export function presetStatuses(
  config: ModelSettings,
  catalog: Catalog,
  resolve: (model: string) => string,
  agents: AgentsCheck,
): PresetStatus[] {
  return Object.entries(config.presets).map(([name, preset]) => {
    let target = preset.model;
    let problems: Array<string | null>;
    try {
      target = resolve(preset.model);
      problems = [modelProblem(config, catalog, target)];
    } catch {
      problems = [`model "${preset.model}" is not a valid model name`];
    }
    problems.push(preset.agents ? agents(preset.agents) : null);
    const found = problems.filter((p): p is string => p !== null);
    return { name, target, preset, status: found.length ? "failed" : "ready", problems: found };
  });
}

/** /api/tags entries: the base model's details plus `preset_of`; a preset that can only fail is left out. */
export function presetTagEntries(
  statuses: readonly PresetStatus[],
  models: readonly TagEntry[],
  taken: readonly TagEntry[],
  since: Date,
): TagEntry[] {
  const byKey = new Map([...models, ...taken].map((m) => [modelKey(m.name), m]));
  const listed = statuses.filter((s) => s.status === "ready").map((s) => [s.name, s.target] as const);
  return virtualTagEntries(listed, byKey, since, "preset_of");
}

/** /v1/models entries, by the name as configured. */
export function presetModels(statuses: readonly PresetStatus[], catalog: Catalog): AliasModel[] {
  return statuses
    .filter((s) => s.status === "ready")
    .map((s) => {
      const modified = catalog.entry(s.target)?.modified_at;
      const ms = typeof modified === "string" ? Date.parse(modified) : Number.NaN;
      return {
        id: s.name,
        created: Number.isFinite(ms) ? Math.floor(ms / 1000) : 0,
        owned_by: `preset of ${s.preset.model}`,
      };
    });
}
