// Imports one agent module from disk with Bun's dynamic import(), fresh on every reload.
import { sep } from "node:path";

let generation = 0;

/** A new cache-busting tag; one per registry load, shared by every module that load imports. */
export function nextGeneration(): number {
  generation += 1;
  return generation;
}

/**
 * Forgets every module Bun has cached under `dir`, so a reload re-evaluates the `_helpers` and
 * folder-internal files agents import, not just their entry files (whose `?v=` query alone would
 * only bust the entry). Modules already imported stay alive for whoever still holds them.
 */
export function forgetModulesUnder(dir: string): void {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  for (const key of Object.keys(require.cache)) if (key.startsWith(prefix)) delete require.cache[key];
}

/**
 * Imports `absPath` and returns its default export. The specifier is a plain path plus `?v=<n>`:
 * Bun re-evaluates a path whose query changed, but ignores the query of a `file://` URL, so the
 * URL form would silently return the old module.
 */
export async function importAgentModule(absPath: string, gen: number, timeoutMs: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A module stuck in a top-level await must not hold up the other agents.
  const loading = import(`${absPath}?v=${gen}`);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`import did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const mod = (await Promise.race([loading, timeout])) as { default?: unknown };
    return mod.default;
  } finally {
    clearTimeout(timer);
  }
}

/** One line for an import failure; Bun reports syntax errors as an AggregateError of build messages. */
export function describeImportError(err: unknown, dir: string): string {
  let text: string;
  if (err instanceof AggregateError && err.errors.length > 0) {
    const first = err.errors[0] as { message?: string; position?: { line?: number; column?: number } };
    const where = first.position?.line ? ` (line ${first.position.line}:${first.position.column ?? 0})` : "";
    const more = err.errors.length > 1 ? ` (+${err.errors.length - 1} more)` : "";
    text = `syntax error: ${first.message ?? String(first)}${where}${more}`;
  } else {
    text =
      err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
  }
  // Absolute paths say more about the host than /plugins readers need; keep them folder-relative.
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  return text
    .split(prefix)
    .join("")
    .replace(/\?v=\d+/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
