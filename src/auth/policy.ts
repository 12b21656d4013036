// What one key may do: models (globs), agents, management, admin, and its limits; checked from memory.
import type { KeyDefaults } from "../config/key-defaults.ts";
import { globToRegExp, isCloudModel, modelKey } from "../models/names.ts";

export interface Policy {
  /** Globs of models; absent = every model except cloud ones. */
  models?: string[];
  /** Agent names the key may run with slash commands; absent = every agent. */
  agents?: string[];
  /** pull, push, create, copy, delete and blob uploads. */
  manage?: boolean;
  /** The /admin routes (and everything a manage key may do). */
  admin?: boolean;
  rpm?: number;
  tpm?: number;
  concurrency?: number;
  tokensPerDay?: number;
  tokensPerMonth?: number;
}

const LIMITS = ["rpm", "tpm", "concurrency", "tokensPerDay", "tokensPerMonth"] as const;

/** A policy read from stored or submitted JSON: unknown fields dropped, wrong types refused. */
export function parsePolicy(value: unknown): Policy | string {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) return "policy must be an object";
  const v = value as Record<string, unknown>;
  const out: Policy = {};
  for (const list of ["models", "agents"] as const) {
    const items = v[list];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items) || !items.every((s) => typeof s === "string" && s.trim() !== ""))
      return `${list} must be a list of non-empty strings`;
    out[list] = items.map((s: string) => s.trim());
  }
  for (const flag of ["manage", "admin"] as const) {
    if (v[flag] === undefined) continue;
    if (typeof v[flag] !== "boolean") return `${flag} must be true or false`;
    out[flag] = v[flag];
  }
  for (const limit of LIMITS) {
    const n = v[limit];
    if (n === undefined || n === null) continue;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return `${limit} must be a positive integer`;
    out[limit] = n;
  }
  return out;
}

const DEFAULTED = ["models", "agents", "manage", ...LIMITS] as const;

/**
 * The policy a key is held to: its own fields, and the config file's `key-defaults` for each field
 * it leaves unset (the key's own value always wins; admin is never a default).
 */
export function withDefaults(own: Policy, defaults: KeyDefaults): Policy {
  let out: Policy | null = null;
  for (const field of DEFAULTED) {
    const value = defaults[field];
    if (value === undefined || own[field] !== undefined) continue;
    out ??= { ...own };
    (out as Record<string, unknown>)[field] = Array.isArray(value) ? [...value] : value;
  }
  return out ?? own;
}

/** Compiled once per key when the cache loads it, so a request only runs regular expressions. */
export interface ModelRule {
  allows(model: string): boolean;
}

export function compileModelRule(globs: readonly string[] | undefined): ModelRule {
  const compiled = (globs ?? []).map((g) => ({
    re: globToRegExp(g),
    cloud: g.toLowerCase().includes("cloud"),
  }));
  // Clients send the same few names again and again: each verdict is remembered (bounded).
  const verdicts = new Map<string, boolean>();
  const judge = (model: string): boolean => {
    const cloud = isCloudModel(model);
    // Cloud models run on someone else's account and bill it: only a glob that names them lets them by.
    if (globs === undefined) return !cloud;
    const forms = matchForms(model);
    return compiled.some((g) => (!cloud || g.cloud) && forms.some((f) => g.re.test(f)));
  };
  return {
    allows(model) {
      let verdict = verdicts.get(model);
      if (verdict === undefined) {
        verdict = judge(model);
        if (verdicts.size >= 1000) verdicts.clear();
        if (model.length <= 256) verdicts.set(model, verdict);
      }
      return verdict;
    },
  };
}

/** The full key and, for `:latest`, the bare name: `llama3*` matches `llama3.2` and `llama3.2:latest`. */
function matchForms(name: string): string[] {
  const key = modelKey(name);
  return key.endsWith(":latest") ? [key, key.slice(0, -":latest".length)] : [key];
}

/** A short description for `keys list` and the admin API. */
export function describePolicy(p: Policy): string {
  const parts: string[] = [];
  if (p.admin) parts.push("admin");
  if (p.manage) parts.push("manage");
  if (p.models) parts.push(`models=${p.models.join(",")}`);
  if (p.agents) parts.push(`agents=${p.agents.join(",")}`);
  for (const limit of LIMITS) if (p[limit] !== undefined) parts.push(`${limit}=${p[limit]}`);
  return parts.join(" ") || "any model";
}
