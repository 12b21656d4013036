// Finds the agent modules in the agents folder: one file or one folder (with an index) per agent.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const MODULE_FILE = /\.(ts|js|mjs)$/;
const NOT_AN_AGENT = /(\.d\.ts|\.(test|spec)\.(ts|js|mjs))$/;
const INDEX_FILES = ["index.ts", "index.js", "index.mjs"];

/** Paths relative to `dir`, sorted so load order (and who wins a duplicate name) is stable. */
export function discoverAgentFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Dotfiles are editor droppings; `_`-prefixed files are helpers that agents import.
    if (entry.name.startsWith(".") || entry.name.startsWith("_")) continue;
    if (entry.isDirectory()) {
      const index = INDEX_FILES.find((f) => existsSync(join(dir, entry.name, f)));
      if (index) found.push(`${entry.name}/${index}`);
    } else if (MODULE_FILE.test(entry.name) && !NOT_AN_AGENT.test(entry.name)) {
      found.push(entry.name);
    }
  }
  return found.sort();
}

/** True when a watcher event names a file that can change what the folder loads. */
export function isRelevantChange(file: string | null): boolean {
  if (!file) return true;
  const base = file.split(/[\\/]/).pop() ?? file;
  // Editors write swap and backup files on every keystroke save; they never hold agents.
  return !base.startsWith(".") && !base.endsWith("~") && !base.endsWith(".swp");
}
