// Describes why an agent module failed to import, in one line without the host's paths.
import { sep } from "node:path";

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
  return text.split(prefix).join("").replace(/\s+/g, " ").trim();
}
