// Reads the config file (YAML, or JSON for *.json) and checks it with the one file schema; every
// problem becomes one line naming the key path, the value and what was expected.
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { closest } from "./did-you-mean.ts";
import { configFileSchema, FILE_KEYS, type FileSettings, fromFileShape } from "./file-schema.ts";
import { PRESET_FIELDS } from "./presets.ts";
import { SECRET_ENV } from "./setting-types.ts";
import { SETTINGS } from "./settings.ts";

export type FileResult = { ok: true; file: FileSettings; text: string } | { ok: false; problems: string[] };

export function readConfigFile(path: string): FileResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, problems: [`cannot read: ${code === "ENOENT" ? "no such file" : code}`] };
  }
  const parsed = parseConfigText(text, path.endsWith(".json"));
  return parsed.ok ? { ...parsed, text } : parsed;
}

/** Parses and checks a file's text (tests call this directly). */
export function parseConfigText(
  text: string,
  json: boolean,
): { ok: true; file: FileSettings } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : Bun.YAML.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not valid ${json ? "JSON" : "YAML"}: ${(err as Error).message}`] };
  }
  // An empty file is an empty map; `key:` with nothing after it means "not set".
  const value = raw === null || raw === undefined ? {} : withoutNulls(raw);
  const result = configFileSchema().safeParse(value);
  if (!result.success) return { ok: false, problems: result.error.issues.flatMap((i) => describe(i, value)) };
  return { ok: true, file: fromFileShape(result.data) };
}

function withoutNulls(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
}

function describe(issue: z.core.$ZodIssue, root: unknown): string[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const known =
      path.length === 0 ? [...FILE_KEYS.keys(), "presets"] : path[0] === "presets" ? PRESET_FIELDS : [];
    return issue.keys.map((key) => {
      const hint = closest(key, known);
      return `${[...path, key].join(".")}: unknown key${hint ? ` (did you mean "${hint}"?)` : ""}`;
    });
  }
  const at = path.length ? path.join(".") : "(top level)";
  return [`${at}: ${shown(path, valueAt(root, path))}: ${issue.message}`];
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const key of path)
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/** The value as the file had it, short, and without a secret a setting says to mask. */
function shown(path: readonly string[], value: unknown): string {
  const key = path[0] === undefined ? undefined : FILE_KEYS.get(path[0]);
  if (key && SECRET_ENV.test(SETTINGS[key].env)) return "(hidden)";
  const redact = key ? SETTINGS[key].redact : undefined;
  let text = value === undefined ? "(missing)" : (JSON.stringify(value) ?? String(value));
  if (redact && typeof value === "string") text = JSON.stringify(redact(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
