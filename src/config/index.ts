// Parses settings from CLI flags, the environment and the config file into a frozen Config
// (flag > environment > file > default); a reload parses them again the same way.
import path from "node:path";
import { type AgentSettingsMap, loadAgentSettings } from "../agents/settings.ts";
import { splitCredentials } from "../upstream/credentials.ts";
import { parseCliArgs } from "./cli-args.ts";
import { readConfigFile } from "./file.ts";
import type { FileSettings } from "./file-schema.ts";
import { helpText } from "./help.ts";
import type { Preset } from "./presets.ts";
import { SETTINGS, type SettingKey, type Settings } from "./settings.ts";

export type { Preset } from "./presets.ts";

/** Where a setting's value came from. */
export type SettingSource = "flag" | "env" | "file" | "default";

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
  /** Absolute path of the config file, "" when there is none. */
  readonly configFile: string;
  /** AGENT_SETTINGS read (inline JSON, a JSON file or the config file's map). */
  readonly agentSettingsMap: Readonly<AgentSettingsMap>;
  /** Presets from the config file, by name. */
  readonly presets: Readonly<Record<string, Preset>>;
  readonly sources: Readonly<Record<SettingKey, SettingSource>>;
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

  const fileName = (cli.values.CONFIG_FILE ?? env.CONFIG_FILE ?? "").trim();
  const filePath = fileName ? path.resolve(cwd, fileName) : "";
  let file: FileSettings = { settings: {}, presets: {} };
  if (filePath) {
    const read = readConfigFile(filePath);
    if (!read.ok) return { kind: "error", message: read.problems.map((p) => `${fileName}: ${p}`).join("\n") };
    file = read.file;
  }

  const out: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, (typeof SETTINGS)[SettingKey]][]) {
    const fromFlag = cli.values[spec.env];
    const fromEnv = env[spec.env];
    if (fromFlag === undefined && fromEnv === undefined && Object.hasOwn(file.settings, key)) {
      out[key] = file.settings[key];
      sources[key] = "file";
      continue;
    }
    const raw = fromFlag ?? fromEnv ?? spec.default;
    sources[key] = fromFlag !== undefined ? "flag" : fromEnv !== undefined ? "env" : "default";
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const source = fromFlag !== undefined ? spec.flag : spec.env;
      const why = parsed.error.issues[0]?.message ?? "invalid value";
      const shown = spec.redact ? spec.redact(raw) : raw;
      return { kind: "error", message: `invalid ${source}=${JSON.stringify(shown)}: ${why}` };
    }
    out[key] = parsed.data;
  }
  const settings = { ...(out as unknown as Settings), configFile: filePath };
  const finished = finishConfig(settings, cwd, file.presets, sources as Record<SettingKey, SettingSource>);
  return "error" in finished
    ? { kind: "error", message: finished.error }
    : { kind: "config", config: finished };
}

/** Builds a Config from settings, filling anything not given with its default (used by tests too). */
export function configFrom(
  overrides: Partial<Settings> & { presets?: Readonly<Record<string, Preset>> },
  cwd = process.cwd(),
): Config {
  const { presets = {}, ...given } = overrides;
  const base: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const [key, spec] of Object.entries(SETTINGS)) {
    base[key] = spec.schema.parse(spec.default);
    sources[key] = Object.hasOwn(given, key) ? "flag" : "default";
  }
  const settings = { ...(base as unknown as Settings), ...given };
  const finished = finishConfig(settings, cwd, presets, sources as Record<SettingKey, SettingSource>);
  if ("error" in finished) throw new Error(finished.error);
  return finished;
}

function finishConfig(
  settings: Settings,
  cwd: string,
  presets: Readonly<Record<string, Preset>>,
  sources: Record<SettingKey, SettingSource>,
): Config | { error: string } {
  let agentSettingsMap: AgentSettingsMap;
  try {
    agentSettingsMap = loadAgentSettings(settings.agentSettings, cwd);
  } catch (err) {
    return { error: `invalid AGENT_SETTINGS: ${(err as Error).message}` };
  }
  // A name is a preset or an alias: one request cannot mean both.
  const clash = Object.keys(presets).find((name) => Object.hasOwn(settings.modelAliases, name));
  if (clash) return { error: `presets.${clash}: is also a model alias (MODEL_ALIASES); rename one of them` };
  const target = settings.fleetPullTarget;
  const names = settings.upstreams.map((u) => u.name);
  if (target && !names.includes(target) && !(names.length === 0 && target === "default"))
    return {
      error: `invalid FLEET_PULL_TARGET=${JSON.stringify(target)}: expected the name of a server in UPSTREAMS (${names.join(", ") || "none: only OLLAMA_URL, named default"})`,
    };
  const loopback = isLoopbackHost(settings.host);
  const upstream = splitCredentials(settings.ollamaUrl);
  return Object.freeze({
    ...settings,
    ollamaUrl: upstream.url,
    ollamaAuth: upstream.auth,
    agentsDir: path.resolve(cwd, settings.agentsDir),
    hostCheckEnabled: settings.hostCheck === "on" || (settings.hostCheck === "auto" && loopback),
    corsOrigins: Object.freeze([...settings.corsOrigins]),
    agentSettingsMap,
    presets,
    sources: Object.freeze(sources),
  });
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}
