// The agents folder as a table of files, each loaded, failed or still loading, and the snapshot it gives.
import type { FileOutcome } from "./load-file.ts";
import {
  type AgentSnapshot,
  createSnapshot,
  type FailedAgent,
  type LoadedAgent,
  type LoadingAgent,
} from "./snapshot.ts";
import { RESERVED_NAMES } from "./validate.ts";

export interface FileEntry {
  /** Path relative to the agents folder. */
  file: string;
  /** This pass's result; null while the file loads. */
  outcome: FileOutcome | null;
  /** The previous pass's result, served until this pass's arrives (hot reload never leaves a gap). */
  previous: FileOutcome | null;
  /** When this pass started loading the file. */
  since: string;
}

export interface Resolved {
  snapshot: AgentSnapshot;
  /** Loaded agents refused for their name (reserved, or taken by an earlier file): to release. */
  refused: Array<{ entry: FileEntry; failure: FailedAgent }>;
}

/**
 * The snapshot for `entries` (in file order). An earlier file wins a duplicate name, whichever
 * finished loading first, so the outcome is the same however the loads interleave.
 */
export function resolveEntries(entries: readonly FileEntry[]): Resolved {
  const loaded: LoadedAgent[] = [];
  const failed: FailedAgent[] = [];
  const loading: LoadingAgent[] = [];
  const refused: Resolved["refused"] = [];
  const byName = new Map<string, LoadedAgent>();
  for (const entry of entries) {
    const outcome = entry.outcome ?? entry.previous;
    if (!outcome) {
      loading.push({ file: entry.file, since: entry.since });
      continue;
    }
    if (outcome.kind === "failed") {
      failed.push(outcome.failure);
      continue;
    }
    const { agent } = outcome;
    const taken = byName.get(agent.name);
    const error = RESERVED_NAMES.has(agent.name)
      ? `"${agent.name}" is reserved for the built-in /${agent.name} command`
      : taken
        ? `duplicate name "${agent.name}": already defined by ${taken.file}`
        : null;
    if (error === null) {
      byName.set(agent.name, agent);
      loaded.push(agent);
      continue;
    }
    const failure = { name: agent.name, file: agent.file, error, loadedAt: agent.loadedAt };
    failed.push(failure);
    refused.push({ entry, failure });
  }
  return { snapshot: createSnapshot(loaded, failed, loading), refused };
}
