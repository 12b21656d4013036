// Watches the config file (debounced) and reloads it on change or on request (SIGHUP): a valid change
// applies, an invalid one is refused with one log line and the configuration in force stays.
import { type FSWatcher, readFileSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { Logger } from "../log.ts";
import { fileKeyOf } from "./file-schema.ts";
import type { LoadResult } from "./index.ts";
import type { ConfigStore } from "./store.ts";

export interface ReloaderOptions {
  file: string;
  store: ConfigStore;
  /** Reads flags, environment and the file again, exactly as at start-up. */
  load: () => LoadResult;
  logger: Logger;
  /** Quiet time after the last file event before reading (editors write in several steps). */
  debounceMs?: number;
}

export interface ConfigReloader {
  /** Reads the file now; false when the change was refused. */
  reload(): boolean;
  close(): void;
}

export function createConfigReloader(opts: ReloaderOptions): ConfigReloader {
  const logger = opts.logger.child({ component: "config" });
  const name = basename(opts.file);
  let lastText = readText(opts.file);
  let timer: ReturnType<typeof setTimeout> | undefined;

  function reload(): boolean {
    const loaded = opts.load();
    if (loaded.kind !== "config") {
      const problems = loaded.kind === "error" ? loaded.message.split("\n") : [loaded.kind];
      logger.warn("config change refused; the configuration in force stays", { file: opts.file, problems });
      return false;
    }
    const { applied, restart } = opts.store.apply(loaded.config);
    if (restart.length)
      logger.warn("config change needs a restart to apply; the running value stays", {
        file: opts.file,
        settings: restart.map(fileKeyOf),
      });
    if (applied.length) logger.info("config reloaded", { file: opts.file, applied: applied.map(keyName) });
    return true;
  }

  let watcher: FSWatcher | null = null;
  try {
    // The folder, not the file: editors and config-map mounts replace the file by renaming.
    watcher = watch(dirname(opts.file), (_event, changed) => {
      if (changed !== null && changed !== name && !changed.startsWith("..")) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const text = readText(opts.file);
        if (text === lastText) return;
        lastText = text;
        reload();
      }, opts.debounceMs ?? 200);
    });
    watcher.on("error", (err) => logger.warn("watching the config file failed", { error: err }));
  } catch (err) {
    logger.warn("cannot watch the config file; send SIGHUP to reload it", { file: opts.file, error: err });
  }

  return {
    reload() {
      lastText = readText(opts.file);
      return reload();
    },
    close() {
      clearTimeout(timer);
      watcher?.close();
      watcher = null;
    },
  };
}

function keyName(key: string): string {
  return key === "presets" ? key : fileKeyOf(key as Parameters<typeof fileKeyOf>[0]);
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
