// How configured aliases show in model lists: /api/tags entries marked `alias_of`, /v1/models ids
// (presets.ts lists presets the same way).
import type { TagEntry } from "../wire/ollama.ts";
import type { Catalog } from "./catalog.ts";
import { modelKey, pullRefusal } from "./names.ts";
import type { ModelSettings } from "./types.ts";

/** The /v1/models extra entry shape (structurally `ExtraModel` of the OpenAI feature). */
export interface AliasModel {
  id: string;
  created?: number;
  owned_by?: string;
}

/** Ollama's display names always carry a tag. */
function withTag(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1).includes(":") ? name : `${name}:latest`;
}

/**
 * An alias is listed when its target is installed, or when auto-pull would fetch the target on first
 * use; an alias that could only fail is left out. `installed` null = unknown, so every alias is listed.
 */
export function listedAliases(
  config: ModelSettings,
  installed: (name: string) => boolean | null,
): Array<[alias: string, target: string]> {
  return Object.entries(config.modelAliases).filter(([, target]) => {
    const has = installed(target);
    if (has !== false) return true;
    return (
      config.autoPull && pullRefusal(target, { allow: config.pullAllow, deny: config.pullDeny }) === null
    );
  });
}

/** Entries appended to /api/tags: the target's own details plus `alias_of`; names never duplicate. */
export function aliasTagEntries(config: ModelSettings, models: readonly TagEntry[], since: Date): TagEntry[] {
  const byKey = new Map(models.map((m) => [modelKey(m.name), m]));
  const listed = listedAliases(config, (t) => byKey.has(modelKey(t)));
  return virtualTagEntries(listed, byKey, since, "alias_of");
}

/**
 * /api/tags entries for names that stand for another model (aliases, presets): the target's details
 * under the new name plus a field naming the target. `byKey` gains each entry, so names never repeat.
 */
export function virtualTagEntries(
  listed: ReadonlyArray<readonly [name: string, target: string]>,
  byKey: Map<string, TagEntry>,
  since: Date,
  field: "alias_of" | "preset_of",
): TagEntry[] {
  const out: TagEntry[] = [];
  for (const [alias, target] of listed) {
    const name = withTag(alias);
    if (byKey.has(modelKey(name))) continue;
    const found = byKey.get(modelKey(target));
    out.push(
      found
        ? { ...found, name, model: name, [field]: found.name }
        : {
            // Not pulled yet: the fields clients parse, empty, so they still read the list.
            name,
            model: name,
            modified_at: since.toISOString(),
            size: 0,
            digest: "",
            details: {
              parent_model: "",
              format: "",
              family: "",
              families: null,
              parameter_size: "",
              quantization_level: "",
            },
            [field]: withTag(target),
          },
    );
    byKey.set(modelKey(name), out.at(-1) as TagEntry);
  }
  return out;
}

/** Extra /v1/models entries: ids exactly as configured, since OpenAI tools match ids verbatim. */
export function aliasModels(config: ModelSettings, catalog: Catalog): AliasModel[] {
  const known = catalog.names() !== null;
  return listedAliases(config, (t) => (known ? catalog.has(t) : null)).map(([alias, target]) => {
    const modified = catalog.entry(target)?.modified_at;
    const ms = typeof modified === "string" ? Date.parse(modified) : Number.NaN;
    return {
      id: alias,
      created: Number.isFinite(ms) ? Math.floor(ms / 1000) : 0,
      owned_by: `alias of ${target}`,
    };
  });
}
