// What /plugins shows about an agent: data only — no functions, no settings values.
import { usageLine } from "../../agents/help.ts";
import type { AgentSnapshot, FailedAgent, LoadedAgent, LoadingAgent } from "../../agents/index.ts";

const HOOK_NAMES = ["onRequest", "transformResponse", "run"] as const;

export function describeLoaded(agent: LoadedAgent) {
  const m = agent.definition.manifest;
  // An agent's worker may have crashed since it loaded: restarting, or failed after crashing repeatedly.
  const health = agent.health?.() ?? { status: "loaded" as const, restarts: 0, error: null };
  return {
    name: agent.name,
    status: health.status,
    file: agent.file,
    // Rebuilt field by field: a manifest may carry extra properties we never promised to publish.
    manifest: {
      name: m.name,
      description: m.description,
      version: m.version ?? null,
      usage: usageLine(agent),
      args: (m.args ?? []).map((a) => ({ name: a.name, description: a.description })),
      examples: [...(m.examples ?? [])],
    },
    hooks: HOOK_NAMES.filter((h) => typeof agent.definition[h] === "function"),
    takeover: typeof agent.definition.run === "function",
    // Keys only: values may be API keys or internal URLs.
    settings: Object.keys(agent.settings),
    loadedAt: agent.loadedAt,
    loadMs: agent.loadMs,
    restarts: health.restarts,
    /** Its worker ended after a quiet while; the next request starts it again. */
    asleep: health.asleep === true,
    /** Why its worker last crashed, if it ever did. */
    error: health.error,
  };
}

export function describeFailed(failure: FailedAgent) {
  return {
    name: failure.name,
    status: "failed" as const,
    file: failure.file,
    error: failure.error,
    loadedAt: failure.loadedAt,
  };
}

/** A file whose load has not finished: its name is not known until the module has run. */
export function describeLoading(loading: LoadingAgent) {
  return { name: null, status: "loading" as const, file: loading.file, since: loading.since };
}

/**
 * A loaded agent by name, else a failed one by its claimed name or by its file's base name, else a
 * file still loading by its base name.
 */
export function findAgent(snapshot: AgentSnapshot, name: string) {
  const loaded = snapshot.get(name);
  if (loaded) return describeLoaded(loaded);
  const wanted = name.toLowerCase();
  const failure = snapshot
    .failed()
    .find((f) => f.name?.toLowerCase() === wanted || baseName(f.file) === wanted);
  if (failure) return describeFailed(failure);
  const loading = snapshot.loading().find((l) => baseName(l.file) === wanted);
  return loading ? describeLoading(loading) : null;
}

function baseName(file: string): string {
  const [first = ""] = file.split("/");
  return first.replace(/\.(ts|js|mjs)$/, "").toLowerCase();
}
