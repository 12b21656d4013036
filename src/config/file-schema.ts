// The config file's one schema, derived from the settings table: every setting under its flag name
// without the dashes, plus `presets`. A setting added to the table is accepted by the file at once.
import { z } from "zod";
import { scalarOrList } from "./file-values.ts";
import { type Preset, presetsSchema } from "./presets.ts";
import { SETTINGS, type SettingKey, type Settings } from "./settings.ts";

/** Settings a file cannot give: which file to read is decided before any file is read. */
const NOT_IN_FILE: ReadonlySet<SettingKey> = new Set(["configFile"]);

/** File key → setting key, e.g. `ollama-url` → `ollamaUrl`. */
export const FILE_KEYS: ReadonlyMap<string, SettingKey> = new Map(
  (Object.keys(SETTINGS) as SettingKey[])
    .filter((key) => !NOT_IN_FILE.has(key))
    .map((key) => [SETTINGS[key].flag.replace(/^--/, ""), key]),
);

export const fileKeyOf = (key: SettingKey): string => SETTINGS[key].flag.replace(/^--/, "");

/** Built when a config file is first read: most starts have none, and it is some 250 zod objects. */
let built: z.ZodType<Record<string, unknown>> | undefined;
export function configFileSchema(): z.ZodType<Record<string, unknown>> {
  if (built) return built;
  const shape: Record<string, z.ZodType> = { presets: presetsSchema().optional() };
  for (const [fileKey, key] of FILE_KEYS) {
    const spec = SETTINGS[key];
    shape[fileKey] = (spec.file ?? scalarOrList()).pipe(spec.schema as z.ZodType<unknown, string>).optional();
  }
  built = z.strictObject(shape, { error: "expected a map of setting: value" });
  return built;
}

export interface FileSettings {
  settings: Partial<Settings>;
  presets: Readonly<Record<string, Preset>>;
}

/** The parsed file keyed by setting, as the rest of config loading reads it. */
export function fromFileShape(parsed: Record<string, unknown>): FileSettings {
  const settings: Record<string, unknown> = {};
  for (const [fileKey, key] of FILE_KEYS) if (parsed[fileKey] !== undefined) settings[key] = parsed[fileKey];
  return {
    settings: settings as Partial<Settings>,
    presets: (parsed.presets as Readonly<Record<string, Preset>> | undefined) ?? Object.freeze({}),
  };
}
