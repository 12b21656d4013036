// One pass over the agents folder: import, validate and name-check every module; never throws.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { deepFreeze } from "./deep-freeze.ts";
import { discoverAgentFiles } from "./discover.ts";
import { describeImportError, forgetModulesUnder, importAgentModule, nextGeneration } from "./load-module.ts";
import { type AgentSettingsMap, effectiveSettings } from "./settings.ts";
import type { FailedAgent, LoadedAgent } from "./snapshot.ts";
import { claimedName, RESERVED_NAMES, validateDefinition } from "./validate.ts";

export interface FolderLoad {
  loaded: LoadedAgent[];
  failed: FailedAgent[];
  /** False when the folder does not exist (not an error: the proxy simply has no agents). */
  exists: boolean;
}

export async function loadAgentFolder(
  dir: string,
  settings: AgentSettingsMap,
  importTimeoutMs: number,
): Promise<FolderLoad> {
  const loaded: LoadedAgent[] = [];
  const failed: FailedAgent[] = [];
  if (!existsSync(dir)) return { loaded, failed, exists: false };
  let files: string[];
  try {
    files = discoverAgentFiles(dir);
  } catch (err) {
    const error = `cannot list the agents folder: ${(err as Error).message}`;
    return {
      loaded,
      failed: [{ name: null, file: ".", error, loadedAt: new Date().toISOString() }],
      exists: true,
    };
  }
  forgetModulesUnder(dir);
  const gen = nextGeneration();
  for (const file of files) {
    const loadedAt = new Date().toISOString();
    const started = performance.now();
    let value: unknown;
    try {
      value = await importAgentModule(join(dir, file), gen, importTimeoutMs);
    } catch (err) {
      failed.push({ name: null, file, error: describeImportError(err, dir), loadedAt });
      continue;
    }
    const checked = validateDefinition(value);
    if (!checked.ok) {
      failed.push({ name: claimedName(value), file, error: checked.error, loadedAt });
      continue;
    }
    const definition = checked.definition;
    const name = definition.manifest.name;
    const clash = RESERVED_NAMES.has(name)
      ? `"${name}" is reserved for the built-in /${name} command`
      : loaded.find((a) => a.name === name)?.file;
    if (clash !== undefined) {
      const error = RESERVED_NAMES.has(name)
        ? clash
        : `duplicate name "${name}": already defined by ${clash}`;
      failed.push({ name, file, error, loadedAt });
      continue;
    }
    // Frozen so every request served from this snapshot sees exactly what was loaded.
    deepFreeze(definition.manifest);
    Object.freeze(definition);
    loaded.push(
      Object.freeze({
        name,
        definition,
        file,
        loadedAt,
        loadMs: Math.round((performance.now() - started) * 100) / 100,
        settings: effectiveSettings(definition.settings, settings[name]),
      }),
    );
  }
  return { loaded, failed, exists: true };
}
