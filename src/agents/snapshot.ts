// An immutable view of the agents one load produced; requests keep the snapshot they started with.
import type { AgentDefinition } from "./types.ts";

export interface LoadedAgent {
  name: string;
  definition: AgentDefinition;
  /** Path relative to the agents folder, with `/` separators (e.g. "translate.ts", "rag/index.ts"). */
  file: string;
  /** When this version was imported (ISO 8601). */
  loadedAt: string;
  /** How long import and validation took, in milliseconds. */
  loadMs: number;
  /** The agent's defaults overlaid with the operator's settings; frozen. */
  settings: Readonly<Record<string, unknown>>;
  /** How the agent's worker is doing (absent for an agent defined in the proxy itself). */
  health?(): AgentHealth;
}

export interface AgentHealth {
  /** "restarting" after a crash; "failed" once it crashed several times in a row. */
  status: "loaded" | "restarting" | "failed";
  /** How often its worker was restarted since it loaded. */
  restarts: number;
  /** Why it last crashed, if it ever did. */
  error: string | null;
  /** Its worker ended after a quiet while (no memory used); the next request starts it again. */
  asleep?: boolean;
}

export interface FailedAgent {
  /** The name the module claims, when it got far enough to claim one. */
  name: string | null;
  file: string;
  /** One line: why the module was skipped. */
  error: string;
  loadedAt: string;
}

/** A file whose first load has not finished yet (it is served by nobody until it does). */
export interface LoadingAgent {
  file: string;
  /** When its load started (ISO 8601). */
  since: string;
}

export interface AgentSnapshot {
  /** Case-insensitive lookup of a loaded agent. */
  get(name: string): LoadedAgent | undefined;
  /** Loaded agents, sorted by name. */
  list(): LoadedAgent[];
  /** Modules that failed to load, in file order. */
  failed(): FailedAgent[];
  /** Files still loading, in file order. */
  loading(): LoadingAgent[];
  /** How many agents are loaded (without copying the list: asked on every chat request). */
  readonly size: number;
}

export function createSnapshot(
  loaded: readonly LoadedAgent[],
  failed: readonly FailedAgent[],
  loading: readonly LoadingAgent[] = [],
): AgentSnapshot {
  // Names are lower-case ASCII: code-point order, which needs no locale data (ICU's collator holds
  // about 1 MB once used, and the order would then depend on the ICU version).
  const sorted = Object.freeze([...loaded].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  const failures = Object.freeze(failed.map((f) => Object.freeze({ ...f })));
  const pending = Object.freeze(loading.map((l) => Object.freeze({ ...l })));
  const byName = new Map(sorted.map((a) => [a.name, a]));
  return Object.freeze({
    get: (name: string) => byName.get(name.toLowerCase()),
    // Copies, so a caller sorting or filtering the list cannot disturb anyone else's view.
    list: () => [...sorted],
    failed: () => [...failures],
    loading: () => [...pending],
    size: sorted.length,
  });
}

export const EMPTY_SNAPSHOT: AgentSnapshot = createSnapshot([], []);
