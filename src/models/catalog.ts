// Which models the upstream has: /api/tags, trusted for a short while and re-read on a miss.
import type { UpstreamClient } from "../upstream/client.ts";
import type { TagEntry, TagsResponse } from "../wire/ollama.ts";
import { modelKey } from "./names.ts";

export interface Catalog {
  /** True when `name` is installed per a list younger than the cache time (no upstream call). */
  knownPresent(name: string): boolean;
  /** Re-reads /api/tags (one request however many callers); false when the upstream did not answer. */
  refresh(timeoutMs?: number): Promise<boolean>;
  has(name: string): boolean;
  /** The entry for `name` from the last list, if any. */
  entry(name: string): TagEntry | undefined;
  /** Installed names from the last list, or null before the first successful read. */
  names(): string[] | null;
  /** Feeds a list read elsewhere (the /api/tags route) into the cache. */
  update(models: readonly TagEntry[]): void;
  /** A pull through the proxy just finished: the model is there even before the next read. */
  markInstalled(name: string): void;
}

export function createCatalog(upstream: UpstreamClient, cacheMs: number): Catalog {
  let entries = new Map<string, TagEntry>();
  let loaded = false;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<boolean> | null = null;

  const update = (models: readonly TagEntry[]) => {
    entries = new Map(models.filter((m) => typeof m.name === "string").map((m) => [modelKey(m.name), m]));
    loaded = true;
    fetchedAt = performance.now();
  };

  async function read(timeoutMs?: number): Promise<boolean> {
    try {
      const tags = await upstream.json<TagsResponse>("/api/tags", { timeoutMs });
      update(tags?.models ?? []);
      return true;
    } catch {
      // An unreachable upstream is reported by the request itself; the cache just stays as it was.
      return false;
    }
  }

  return {
    knownPresent: (name) => performance.now() - fetchedAt < cacheMs && entries.has(modelKey(name)),
    refresh(timeoutMs) {
      inflight ??= read(timeoutMs).finally(() => {
        inflight = null;
      });
      return inflight;
    },
    has: (name) => entries.has(modelKey(name)),
    entry: (name) => entries.get(modelKey(name)),
    names: () => (loaded ? [...entries.values()].map((m) => m.name) : null),
    update,
    markInstalled(name) {
      const key = modelKey(name);
      if (!entries.has(key)) entries.set(key, { name: key, model: key });
    },
  };
}
