// Zod builders for the model settings (aliases, keep-alive durations), read from one string each.
import { z } from "zod";
import type { KeepAlive } from "../wire/ollama.ts";
import { checkedText } from "./setting-types.ts";

const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/;
const SECONDS = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
/** Loose stand-in for a valid model name: no spaces, commas or equals signs. */
const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/:@]*$/;

/** A bare number is seconds (Ollama rejects a numeric *string*, so it is sent as a JSON number). */
export function parseKeepAlive(raw: string): KeepAlive | null {
  const v = raw.trim();
  if (SECONDS.test(v)) return Number(v);
  return GO_DURATION.test(v) ? v : null;
}

const KEEP_ALIVE_EXPECTED = "expected seconds or a duration such as 5m, 1h30m, -1 (forever) or 0";

/** Empty = no default (Ollama's own OLLAMA_KEEP_ALIVE applies). */
export function keepAliveSetting() {
  return z.string().transform((raw, ctx): KeepAlive | null => {
    if (raw.trim() === "") return null;
    const value = parseKeepAlive(raw);
    if (value === null) ctx.addIssue({ code: "custom", message: KEEP_ALIVE_EXPECTED });
    return value;
  });
}

function pairs(raw: string): Array<[string, string]> | string {
  const out: Array<[string, string]> = [];
  for (const item of raw.split(",")) {
    if (!item.trim()) continue;
    const eq = item.indexOf("=");
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (eq === -1 || !key || !value)
      return `expected name=value pairs separated by commas, got "${item.trim()}"`;
    out.push([key, value]);
  }
  return out;
}

/** `alias=target,...`; an alias may not point at another alias (resolution is one step). */
export function aliasesSetting() {
  return z.string().transform((raw, ctx): Readonly<Record<string, string>> => {
    const parsed = pairs(raw);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
    const entries = typeof parsed === "string" ? [] : parsed;
    const bad = entries.flat().find((name) => !MODEL_NAME.test(name));
    if (bad) ctx.addIssue({ code: "custom", message: `"${bad}" is not a model name` });
    const aliases = new Set(entries.map(([alias]) => alias));
    const chained = entries.find(([, target]) => aliases.has(target));
    if (chained) ctx.addIssue({ code: "custom", message: `alias target "${chained[1]}" is itself an alias` });
    return Object.freeze(Object.fromEntries(entries));
  });
}

/** `model=duration,...`. */
export function modelKeepAliveSetting() {
  return z.string().transform((raw, ctx): Readonly<Record<string, KeepAlive>> => {
    const parsed = pairs(raw);
    if (typeof parsed === "string") {
      ctx.addIssue({ code: "custom", message: parsed });
      return {};
    }
    const out: Record<string, KeepAlive> = {};
    for (const [model, text] of parsed) {
      const value = parseKeepAlive(text);
      if (value === null) ctx.addIssue({ code: "custom", message: `${model}: ${KEEP_ALIVE_EXPECTED}` });
      else out[model] = value;
    }
    return Object.freeze(out);
  });
}

/** Comma-separated model names (blanks dropped). */
export function modelListSetting() {
  return z.string().transform((raw, ctx) => {
    const names = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = names.find((n) => !MODEL_NAME.test(n));
    if (bad) ctx.addIssue({ code: "custom", message: `"${bad}" is not a model name` });
    return names;
  });
}

/** A single optional model name. */
export function modelNameSetting() {
  return checkedText((v) => v === "" || MODEL_NAME.test(v), "expected a model name such as llama3.2:3b");
}
