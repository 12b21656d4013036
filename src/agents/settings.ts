// Operator settings for agents (AGENT_SETTINGS: inline JSON or a JSON file) and each agent's merge.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { deepFreeze } from "./deep-freeze.ts";

export type AgentSettingsMap = Record<string, Record<string, unknown>>;

/** Built on first use: only a non-empty AGENT_SETTINGS is checked. */
let built: z.ZodType<AgentSettingsMap> | undefined;
const settingsSchema = () => (built ??= z.record(z.string(), z.record(z.string(), z.unknown())));

/**
 * Empty → no settings; a value starting with `{` (or `[`) is inline JSON; anything else is a JSON file path
 * resolved from `cwd`. Throws an Error with a one-line message on any problem.
 */
export function loadAgentSettings(value: string, cwd: string): AgentSettingsMap {
  const text = value.trim();
  if (text === "") return {};
  // `[` too: nobody names a settings file that way, and "must be an object" beats "no such file".
  const inline = text.startsWith("{") || text.startsWith("[");
  const source = inline ? "inline JSON" : `file "${text}"`;
  let raw: string;
  if (inline) raw = text;
  else {
    try {
      raw = readFileSync(resolve(cwd, text), "utf8");
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new Error(`cannot read agent settings ${source}: ${code === "ENOENT" ? "no such file" : code}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`agent settings ${source} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = settingsSchema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at "${issue.path.join(".")}"` : "";
    throw new Error(
      `agent settings ${source} must be an object of agent name → settings object${at}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** An agent's effective settings: its declared defaults overlaid with the operator's, frozen deeply. */
export function effectiveSettings(
  defaults: Record<string, unknown> | undefined,
  operator: Record<string, unknown> | undefined,
): Readonly<Record<string, unknown>> {
  return deepFreeze({ ...defaults, ...operator });
}
