// The agent registry: loads the agents folder in the background, reloads it on change, and hands out
// immutable snapshots that gain each agent as soon as its file has loaded.
import { existsSync, type FSWatcher, watch } from "node:fs";
import { resolve, sep } from "node:path";
import type { Logger } from "../log.ts";
import { discoverAgentFiles, isRelevantChange } from "./discover.ts";
import { type FileEntry, resolveEntries } from "./folder-state.ts";
import { type CheckBatch, checkBatch } from "./isolate/check-batch.ts";
import type { AgentCrash, CrashKind } from "./isolate/host.ts";
import { type FileOutcome, failed, loadAgentFile } from "./load-file.ts";
import type { AgentSettingsMap } from "./settings.ts";
import { type AgentSnapshot, EMPTY_SNAPSHOT } from "./snapshot.ts";

export type { AgentSnapshot, FailedAgent, LoadedAgent, LoadingAgent } from "./snapshot.ts";

export interface AgentCounts {
  loaded: number;
  failed: number;
  /** Files whose first load has not finished. */
  loading: number;
}

export interface AgentRegistry {
  /**
   * Settles once every file of the first load has loaded or failed; never rejects. Nothing needs to
   * wait for it: requests are served meanwhile, with the agents loaded so far.
   */
  ready: Promise<void>;
  /** The current agents; take one per request and keep it for the whole request. */
  snapshot(): AgentSnapshot;
  counts(): AgentCounts;
  /** Loads the folder again; calls made before that load starts share it. */
  reload(): Promise<void>;
  /** New operator settings (a config reload): every agent loads again with them. */
  setSettings(settings: AgentSettingsMap): Promise<void>;
  /** Stops watching and loading. Snapshots handed out keep working for requests in flight. */
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
  /** AGENT_TIMEOUT_MS: each hook call's limit, and how long an agent's worker may stop answering. */
  timeoutMs?: number;
  /** Each agent worker's memory budget. */
  memoryLimitMb?: number;
  /** Quiet time after which an agent's worker ends until its next request (saves ~2 MB each). */
  idleMs?: number;
  /** Told of each file loaded or failed and of each finished pass (the event stream). */
  onEvent?: (event: AgentEvent) => void;
}

export type AgentEvent =
  | { type: "agent.loaded"; name: string; file: string; loadMs: number }
  | { type: "agent.failed"; file: string; error: string }
  | { type: "agent.crashed"; agent: string; file: string; reason: CrashKind; error: string }
  | { type: "agents.reloaded"; loaded: string[]; failed: number };

/** How long a replaced agent's worker stays for requests that took the snapshot before the reload. */
const RELOAD_LINGER_MS = 10_000;

export function createAgentRegistry(opts: RegistryOptions): AgentRegistry {
  const dir = resolve(opts.dir);
  const logger = opts.logger.child({ component: "agents" });
  let settings = opts.settings ?? {};
  const load = {
    dir,
    settings,
    importTimeoutMs: opts.importTimeoutMs ?? 10_000,
    timeoutMs: opts.timeoutMs ?? 30_000,
    memoryLimitMb: opts.memoryLimitMb ?? 256,
    idleMs: opts.idleMs ?? 300_000,
    logger,
    onCrash: (crash: AgentCrash) =>
      opts.onEvent?.({
        type: "agent.crashed",
        agent: crash.agent,
        file: crash.file,
        reason: crash.kind,
        error: withoutPaths(crash.reason, dir),
      }),
  };
  let current = EMPTY_SNAPSHOT;
  let entries: FileEntry[] = [];
  let pass = 0;
  let closed = false;
  let scheduled: Promise<void> | null = null;
  let latest: Promise<void> = Promise.resolve();
  /** The checking process of the newest pass. */
  let checking: CheckBatch | null = null;

  function publish(): void {
    const { snapshot, refused } = resolveEntries(entries);
    for (const { entry, failure } of refused) {
      release(entry.outcome);
      release(entry.previous);
      entry.outcome = failed(failure);
      entry.previous = null;
    }
    current = snapshot;
  }

  async function runPass(id: number): Promise<void> {
    const since = new Date().toISOString();
    const files = listFiles(dir, since);
    const old = new Map(entries.map((e) => [e.file, e]));
    entries = files.map((f) => {
      const before = old.get(f.file);
      old.delete(f.file);
      return {
        file: f.file,
        outcome: f.outcome,
        previous: before?.outcome ?? before?.previous ?? null,
        since,
      };
    });
    for (const gone of old.values()) {
      release(gone.outcome);
      release(gone.previous);
    }
    publish();
    // The files show as loading at once; the checking process starts on a later turn of the event
    // loop, so a proxy that creates the registry before it listens is not held up by starting it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (id !== pass || closed) return;
    // One process imports every file of the pass (each in a worker of its own there); a newer pass
    // ends it, since nobody will serve what it loads.
    checking?.close();
    const toLoad = entries.filter((entry) => !entry.outcome);
    const batch = checkBatch(
      dir,
      toLoad.map((entry) => entry.file),
      load.importTimeoutMs,
    );
    checking = batch;
    await Promise.all(
      toLoad.map(async (entry) => {
        const outcome = await loadAgentFile(entry.file, load, batch.result(entry.file));
        // A newer pass (or close) replaced this one while the file loaded: nobody will serve it.
        if (id !== pass || closed) return release(outcome, 0);
        entry.outcome = outcome;
        release(entry.previous);
        entry.previous = null;
        publish();
        if (outcome.kind === "failed") {
          logger.warn("agent failed to load", { file: entry.file, error: outcome.failure.error });
          opts.onEvent?.({ type: "agent.failed", file: entry.file, error: outcome.failure.error });
        } else {
          const { name, loadMs } = outcome.agent;
          opts.onEvent?.({ type: "agent.loaded", name, file: entry.file, loadMs });
        }
      }),
    );
    if (id !== pass || closed) return;
    if (!existsSync(dir)) logger.warn("agents folder not found; no agents loaded", { dir: opts.dir });
    for (const name of Object.keys(settings)) {
      if (!current.get(name)) logger.warn("settings given for an agent that is not loaded", { agent: name });
    }
    const loaded = current.list().map((a) => a.name);
    logger.info(id === 1 ? "agents loaded" : "agents reloaded", {
      dir: opts.dir,
      loaded,
      failed: current.failed().length,
    });
    opts.onEvent?.({ type: "agents.reloaded", loaded, failed: current.failed().length });
  }

  function reload(): Promise<void> {
    // A pass that has not started yet will read the newest files anyway: share it.
    if (scheduled) return scheduled;
    scheduled = Promise.resolve().then(async () => {
      scheduled = null;
      if (closed) return;
      // A new pass supersedes one still loading, so a file that hangs never delays a reload.
      let waiting = runPass(++pass).catch((err) => logger.error("agents load crashed", { error: err }));
      latest = waiting;
      await waiting;
      // Superseded: settle when the pass that replaced this one has.
      while (latest !== waiting) {
        waiting = latest;
        await waiting;
      }
    });
    return scheduled;
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
    counts: () => {
      // A loaded agent whose worker keeps crashing counts as failed.
      const crashed = current.list().filter((a) => a.health?.().status === "failed").length;
      return {
        loaded: current.size - crashed,
        failed: current.failed().length + crashed,
        loading: current.loading().length,
      };
    },
    reload,
    setSettings(next) {
      settings = next;
      load.settings = next;
      return reload();
    },
    close() {
      closed = true;
      checking?.close();
      clearTimeout(timer);
      watcher?.close();
      watcher = null;
      // Snapshots handed out keep working a while; each worker ends once nothing is in flight.
      for (const entry of entries) {
        release(entry.outcome);
        release(entry.previous);
      }
    },
  };
}

/** The folder's agent files, or one failed entry saying why the folder cannot be listed. */
function listFiles(dir: string, since: string): Array<{ file: string; outcome: FileOutcome | null }> {
  if (!existsSync(dir)) return [];
  try {
    return discoverAgentFiles(dir).map((file) => ({ file, outcome: null }));
  } catch (err) {
    const error = `cannot list the agents folder: ${(err as Error).message}`;
    return [{ file: ".", outcome: failed({ name: null, file: ".", error, loadedAt: since }) }];
  }
}

function release(outcome: FileOutcome | null, lingerMs = RELOAD_LINGER_MS): void {
  if (outcome?.kind === "loaded") outcome.release(lingerMs);
}

/** An error text for the event stream: the agents folder left out, and any other absolute file path cut to its name. */
function withoutPaths(text: string, dir: string): string {
  return text
    .split(`${dir}${sep}`)
    .join("")
    .replace(
      /(?<![\w:/.])(?:[A-Za-z]:)?(?:[\\/][^\s\\/:()'"]+)+[\\/]([^\s\\/:()'"]+\.[A-Za-z]{1,4})\b/g,
      "$1",
    );
}
