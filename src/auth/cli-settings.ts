// Where the `keys` command finds the store: DATABASE_URL and AUTH_SECRET as the server reads them,
// flag > environment > config file (--config / CONFIG_FILE) > default.
import path from "node:path";
import { readConfigFile } from "../config/file.ts";
import { SETTINGS } from "../config/settings.ts";

export interface StoreSettings {
  databaseUrl: string;
  authSecret: string;
}

export function storeSettingsOf(
  flag: (name: string) => string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): StoreSettings | { error: string } {
  const fileName = (flag("config") ?? env.CONFIG_FILE ?? "").trim();
  let file: Partial<StoreSettings> = {};
  if (fileName) {
    const read = readConfigFile(path.resolve(cwd, fileName));
    // The same lines the server would print: a file it would refuse is not half-read here.
    if (!read.ok) return { error: read.problems.map((p) => `${fileName}: ${p}`).join("\n") };
    file = read.file.settings;
  }
  const pick = (key: keyof StoreSettings) =>
    flag(SETTINGS[key].flag.slice(2)) ?? env[SETTINGS[key].env] ?? file[key] ?? SETTINGS[key].default;
  const databaseUrl = pick("databaseUrl").trim();
  if (!databaseUrl)
    return { error: `${SETTINGS.databaseUrl.env}: expected a file path or a postgres:// URL` };
  return { databaseUrl, authSecret: pick("authSecret") };
}
