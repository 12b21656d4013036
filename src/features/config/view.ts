// What GET /config shows: each setting's value in force and where it came from, secrets masked.
import { fileKeyOf } from "../../config/file-schema.ts";
import type { Config } from "../../config/index.ts";
import { redactOllamaUrl } from "../../config/ollama-url.ts";
import { SECRET_ENV } from "../../config/setting-types.ts";
import { SETTINGS, type SettingKey } from "../../config/settings.ts";
import type { PresetStatus } from "../../models/index.ts";

export function settingsView(config: Config) {
  const out: Record<string, { value: unknown; source: string; env: string; live: boolean }> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec = SETTINGS[key];
    out[fileKeyOf(key)] = {
      value: shownValue(config, key),
      source: config.sources[key],
      env: spec.env,
      live: spec.live === true,
    };
  }
  return out;
}

function shownValue(config: Config, key: SettingKey): unknown {
  const spec = SETTINGS[key];
  const value = config[key as keyof Config];
  // The Config keeps the URL without credentials; say that some are in use without showing them.
  if (key === "ollamaUrl")
    return config.ollamaAuth ? config.ollamaUrl.replace("://", "://***@") : config.ollamaUrl;
  // Fleet servers may carry user:pass@ in their URLs: masked as OLLAMA_URL is.
  if (key === "upstreams") return config.upstreams.map((u) => ({ ...u, url: redactOllamaUrl(u.url) }));
  // Agent settings often hold API keys: names only.
  if (key === "agentSettings") return maskedAgentSettings(config);
  if (SECRET_ENV.test(spec.env) && value !== "" && value !== null && value !== undefined) return "***";
  // Settings parsed into structures (OTLP headers) are redacted whole, never shown field by field.
  if (spec.redact && value !== "" && value !== null && value !== undefined)
    return spec.redact(typeof value === "string" ? value : JSON.stringify(value));
  return value;
}

function maskedAgentSettings(config: Config): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [agent, settings] of Object.entries(config.agentSettingsMap))
    out[agent] = Object.fromEntries(Object.keys(settings).map((k) => [k, "***"]));
  return out;
}

export function presetView(status: PresetStatus) {
  const { preset } = status;
  return {
    name: status.name,
    status: status.status,
    problems: status.problems,
    model: preset.model,
    target: status.target,
    agents: preset.agents,
    options: preset.options,
    system: preset.system,
    description: preset.description,
  };
}
