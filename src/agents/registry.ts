// The agent registry: loads the agents folder, reloads it on change, hands out immutable snapshots.
import { type FSWatcher, watch } from "node:fs";
import { resolve } from "node:path";
import type { Logger } from "../log.ts";
import { isRelevantChange } from "./discover.ts";
import { loadAgentFolder } from "./load-folder.ts";
import type { AgentSettingsMap } from "./settings.ts";
import { type AgentSnapshot, createSnapshot, EMPTY_SNAPSHOT } from "./snapshot.ts";

export type { AgentSnapshot, FailedAgent, LoadedAgent } from "./snapshot.ts";

export interface AgentRegistry {
  /** Settles once the first load is done; never rejects (broken agents are recorded, not thrown). */
  ready: Promise<void>;
  /** The current agents; take one per request and keep it for the whole request. */
  snapshot(): AgentSnapshot;
  counts(): { loaded: number; failed: number };
  /** Loads the folder again; concurrent calls share one pending load. */
  reload(): Promise<void>;
  /** Stops watching. Snapshots already handed out keep working. */
  close(): void;
}

export interface RegistryOptions {
  /** The agents folder, resolved from the working directory (never from import.meta: see docs). */
  dir: string;
  logger: Logger;
  settings?: AgentSettingsMap;
  watch: boolean;
  /** Quiet time after the last file event before reloading. */
  debounceMs?: number;
  /** Longest one module may take to import (a top-level await that never settles). */
  importTimeoutMs?: number;
}

export function createAgentRegistry(opts: RegistryOptions): AgentRegistry {
  const dir = resolve(opts.dir);
  const logger = opts.logger.child({ component: "agents" });
  const settings = opts.settings ?? {};
  let current = EMPTY_SNAPSHOT;
  let loads = 0;
  let tail: Promise<void> = Promise.resolve();
  let pending: Promise<void> | null = null;

  async function loadNow(): Promise<void> {
    const result = await loadAgentFolder(dir, settings, opts.importTimeoutMs ?? 10_000);
    current = createSnapshot(result.loaded, result.failed);
    loads += 1;
    if (!result.exists) logger.warn("agents folder not found; no agents loaded", { dir: opts.dir });
    for (const f of result.failed) logger.warn("agent failed to load", { file: f.file, error: f.error });
    for (const name of Object.keys(settings)) {
      if (!current.get(name)) logger.warn("settings given for an agent that is not loaded", { agent: name });
    }
    logger.info(loads === 1 ? "agents loaded" : "agents reloaded", {
      dir: opts.dir,
      loaded: result.loaded.map((a) => a.name),
      failed: result.failed.length,
    });
  }

  function reload(): Promise<void> {
    // A load that has not started yet will read the newest files anyway: share it.
    if (pending) return pending;
    const next = tail.then(() => {
      pending = null;
      return loadNow().catch((err) => logger.error("agents load crashed", { error: err }));
    });
    pending = next;
    tail = next;
    return next;
  }

  const ready = reload();
  let watcher: FSWatcher | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (opts.watch) {
    try {
      watcher = watch(dir, { recursive: true }, (_event, file) => {
        if (!isRelevantChange(file)) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), opts.debounceMs ?? 100);
      });
      watcher.on("error", (err) => logger.warn("watching the agents folder failed", { error: err }));
    } catch (err) {
      logger.warn("cannot watch the agents folder; restart to pick up changes", {
        dir: opts.dir,
        error: err,
      });
    }
  }

  return {
    ready,
    snapshot: () => current,
    counts: () => ({ loaded: current.list().length, failed: current.failed().length }),
    reload,
    close() {
      clearTimeout(timer);
      watcher?.close();
      watcher = null;
    },
  };
}
