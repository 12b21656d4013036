// Where the `keys` command finds the store (DATABASE_URL, AUTH_SECRET) and the key defaults `list`
// shows (AUTH_DEFAULTS), as the server reads them: flag > environment > config file > default.
import path from "node:path";
import { readConfigFile } from "../config/file.ts";
import type { KeyDefaults } from "../config/key-defaults.ts";
import { SETTINGS, type Settings } from "../config/settings.ts";

export interface StoreSettings {
  databaseUrl: string;
  authSecret: string;
  keyDefaults: KeyDefaults;
}

export function storeSettingsOf(
  flag: (name: string) => string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): StoreSettings | { error: string } {
  const fileName = (flag("config") ?? env.CONFIG_FILE ?? "").trim();
  let file: Partial<Settings> = {};
  if (fileName) {
    const read = readConfigFile(path.resolve(cwd, fileName));
    // The same lines the server would print: a file it would refuse is not half-read here.
    if (!read.ok) return { error: read.problems.map((p) => `${fileName}: ${p}`).join("\n") };
    file = read.file.settings;
  }
  const pick = (key: "databaseUrl" | "authSecret") =>
    flag(SETTINGS[key].flag.slice(2)) ?? env[SETTINGS[key].env] ?? file[key] ?? SETTINGS[key].default;
  const databaseUrl = pick("databaseUrl").trim();
  if (!databaseUrl)
    return { error: `${SETTINGS.databaseUrl.env}: expected a file path or a postgres:// URL` };
  // The server takes a flag too; this command has no --key-defaults of its own (it only shows them).
  let keyDefaults: KeyDefaults = file.keyDefaults ?? {};
  const fromEnv = env[SETTINGS.keyDefaults.env];
  if (fromEnv !== undefined) {
    const parsed = SETTINGS.keyDefaults.schema.safeParse(fromEnv);
    if (!parsed.success)
      return {
        error: `invalid ${SETTINGS.keyDefaults.env}: ${parsed.error.issues[0]?.message ?? "invalid value"}`,
      };
    keyDefaults = parsed.data;
  }
  return { databaseUrl, authSecret: pick("authSecret"), keyDefaults };
}
