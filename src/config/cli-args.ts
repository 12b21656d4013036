// Turns argv flags into setting values keyed by environment variable name.
import { SETTINGS } from "./settings.ts";

export type CliResult =
  | { kind: "values"; values: Record<string, string> }
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "error"; message: string };

const BY_FLAG = new Map(Object.values(SETTINGS).map((s) => [s.flag, s.env]));

/** Accepts `--flag value` and `--flag=value`; anything else is an error, not silently ignored. */
export function parseCliArgs(args: readonly string[]): CliResult {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--version" || arg === "-v") return { kind: "version" };
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const env = BY_FLAG.get(flag);
    if (!env) return { kind: "error", message: `unknown option ${JSON.stringify(arg)} (see --help)` };
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      i++;
    }
    if (value === undefined) return { kind: "error", message: `option ${flag} needs a value` };
    values[env] = value;
  }
  return { kind: "values", values };
}
