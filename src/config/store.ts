// The configuration in force: one frozen Config snapshot at a time. Readers take `current()` once per
// request and keep it; a reload swaps the snapshot, so a request in flight never sees two configs.
import type { Config } from "./index.ts";
import { SETTINGS, type SettingKey } from "./settings.ts";

export interface ApplyOutcome {
  /** Live settings (and presets) that changed and now apply. */
  applied: string[];
  /** Settings whose new value waits for a restart (the running value stays). */
  restart: SettingKey[];
}

export interface ConfigStore {
  current(): Config;
  /** Settings the file changed that only a restart applies. */
  pendingRestart(): readonly SettingKey[];
  /** Applies a newly loaded Config: live settings take the new value, the others keep theirs. */
  apply(loaded: Config): ApplyOutcome;
  subscribe(fn: (next: Config, previous: Config) => void): () => void;
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

export function createConfigStore(initial: Config): ConfigStore {
  let current = initial;
  let pending: SettingKey[] = [];
  const listeners = new Set<(next: Config, previous: Config) => void>();
  return {
    current: () => current,
    pendingRestart: () => pending,
    apply(loaded) {
      const previous = current;
      const next: Record<string, unknown> = { ...loaded };
      const sources: Record<string, unknown> = { ...loaded.sources };
      const applied: string[] = [];
      const restart: SettingKey[] = [];
      for (const key of Object.keys(SETTINGS) as SettingKey[]) {
        if (same(loaded[key as keyof Config], previous[key as keyof Config])) continue;
        if (SETTINGS[key].live) applied.push(key);
        else {
          restart.push(key);
          next[key] = previous[key as keyof Config];
          sources[key] = previous.sources[key];
        }
      }
      if (!same(loaded.presets, previous.presets)) applied.push("presets");
      // Derived from settings that never change live: they stay as the running server uses them.
      Object.assign(next, {
        ollamaUrl: previous.ollamaUrl,
        ollamaAuth: previous.ollamaAuth,
        agentsDir: previous.agentsDir,
        hostCheckEnabled: previous.hostCheckEnabled,
        corsOrigins: previous.corsOrigins,
        sources: Object.freeze(sources),
      });
      pending = restart;
      if (applied.length === 0) return { applied, restart };
      current = Object.freeze(next) as unknown as Config;
      for (const fn of listeners) fn(current, previous);
      return { applied, restart };
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
