// Loads one agent file in this process: import (bounded by the import timeout), validate, freeze.
import { join } from "node:path";
import { deepFreeze } from "./deep-freeze.ts";
import { describeImportError, importAgentModule } from "./load-module.ts";
import { type AgentSettingsMap, effectiveSettings } from "./settings.ts";
import type { FailedAgent, LoadedAgent } from "./snapshot.ts";
import { claimedName, validateDefinition } from "./validate.ts";

/** What one file's load produced; `release` frees what the agent holds once nobody serves it. */
export type FileOutcome =
  | { kind: "loaded"; agent: LoadedAgent; release(): void }
  | { kind: "failed"; failure: FailedAgent };

export interface FileLoadOptions {
  dir: string;
  settings: AgentSettingsMap;
  importTimeoutMs: number;
  /** The cache-busting tag of this pass over the folder (see load-module.ts). */
  generation: number;
}

/** Never throws: every problem becomes a failed outcome with a one-line reason. */
export async function loadAgentFile(file: string, opts: FileLoadOptions): Promise<FileOutcome> {
  const loadedAt = new Date().toISOString();
  const started = performance.now();
  let value: unknown;
  try {
    value = await importAgentModule(join(opts.dir, file), opts.generation, opts.importTimeoutMs);
  } catch (err) {
    return failed({ name: null, file, error: describeImportError(err, opts.dir), loadedAt });
  }
  const checked = validateDefinition(value);
  if (!checked.ok) return failed({ name: claimedName(value), file, error: checked.error, loadedAt });
  const definition = checked.definition;
  const name = definition.manifest.name;
  // Frozen so every request served from a snapshot sees exactly what was loaded.
  deepFreeze(definition.manifest);
  Object.freeze(definition);
  const agent: LoadedAgent = Object.freeze({
    name,
    definition,
    file,
    loadedAt,
    loadMs: Math.round((performance.now() - started) * 100) / 100,
    settings: effectiveSettings(definition.settings, opts.settings[name]),
  });
  return { kind: "loaded", agent, release() {} };
}

export function failed(failure: FailedAgent): FileOutcome {
  return { kind: "failed", failure };
}
