// Parses settings from the environment and CLI flags once, into a frozen Config.
import path from "node:path";
import { splitCredentials } from "../upstream/credentials.ts";
import { parseCliArgs } from "./cli-args.ts";
import { helpText } from "./help.ts";
import { SETTINGS, type SettingKey, type Settings } from "./settings.ts";

export interface Config extends Omit<Settings, "corsOrigins" | "ollamaUrl"> {
  /**
   * Upstream base `scheme://host:port[/prefix]`, always without `user:pass@`: the one form that is
   * requested, shown by /health and written to logs and error messages.
   */
  readonly ollamaUrl: string;
  /**
   * `Basic <base64>` from credentials given in OLLAMA_URL (percent-decoded first), else null. Only
   * the upstream client reads it, to set Authorization; nothing may print it.
   */
  readonly ollamaAuth: string | null;
  readonly corsOrigins: readonly string[];
  /** Absolute agents folder (resolved from the working directory, never from the binary's location). */
  readonly agentsDir: string;
  /** Whether the Host-header guard is active, after resolving `auto`. */
  readonly hostCheckEnabled: boolean;
}

export type LoadResult =
  | { kind: "config"; config: Config }
  | { kind: "help"; text: string }
  | { kind: "version"; text: string }
  | { kind: "error"; message: string };

export interface LoadInput {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  version: string;
}

export function loadConfig({ argv, env, cwd, version }: LoadInput): LoadResult {
  const cli = parseCliArgs(argv);
  if (cli.kind === "help") return { kind: "help", text: helpText(version) };
  if (cli.kind === "version") return { kind: "version", text: version };
  if (cli.kind === "error") return { kind: "error", message: cli.message };

  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, (typeof SETTINGS)[SettingKey]][]) {
    const fromFlag = cli.values[spec.env];
    const raw = fromFlag ?? env[spec.env] ?? spec.default;
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const source = fromFlag !== undefined ? spec.flag : spec.env;
      const why = parsed.error.issues[0]?.message ?? "invalid value";
      const shown = spec.redact ? spec.redact(raw) : raw;
      return { kind: "error", message: `invalid ${source}=${JSON.stringify(shown)}: ${why}` };
    }
    out[key] = parsed.data;
  }
  const settings = out as unknown as Settings;
  return { kind: "config", config: finishConfig(settings, cwd) };
}

/** Builds a Config from settings, filling anything not given with its default (used by tests too). */
export function configFrom(overrides: Partial<Settings>, cwd = process.cwd()): Config {
  const base: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS)) base[key] = spec.schema.parse(spec.default);
  return finishConfig({ ...(base as unknown as Settings), ...overrides }, cwd);
}

function finishConfig(settings: Settings, cwd: string): Config {
  const loopback = isLoopbackHost(settings.host);
  const upstream = splitCredentials(settings.ollamaUrl);
  return Object.freeze({
    ...settings,
    ollamaUrl: upstream.url,
    ollamaAuth: upstream.auth,
    agentsDir: path.resolve(cwd, settings.agentsDir),
    hostCheckEnabled: settings.hostCheck === "on" || (settings.hostCheck === "auto" && loopback),
    corsOrigins: Object.freeze([...settings.corsOrigins]),
  });
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}
