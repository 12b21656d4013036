// What the `keys` command and the /admin API share: a new key from options, and a key as shown.

import type { KeyDefaults } from "../config/key-defaults.ts";
import { parseDuration } from "./duration.ts";
import { describePolicy, type Policy, parsePolicy, withDefaults } from "./policy.ts";
import { parseSshKey } from "./ssh-key.ts";
import { type KeyStore, KeyStoreError, type NewKey, type StoredKey } from "./store.ts";

export interface KeyOptions {
  name?: unknown;
  owner?: unknown;
  models?: unknown;
  agents?: unknown;
  sshKeys?: unknown;
  expires?: unknown;
  manage?: unknown;
  admin?: unknown;
  rpm?: unknown;
  tpm?: unknown;
  concurrency?: unknown;
  tokensPerDay?: unknown;
  tokensPerMonth?: unknown;
}

/** Validates and creates; a KeyStoreError's message says what was wrong, for the CLI and for a 400. */
export async function createFromOptions(
  store: KeyStore,
  o: KeyOptions,
  now = Date.now(),
): Promise<{ key: string; record: StoredKey }> {
  if (typeof o.name !== "string" || !o.name) throw new KeyStoreError("a name is required (--name)");
  if (o.owner !== undefined && (typeof o.owner !== "string" || !o.owner))
    throw new KeyStoreError("owner must be a non-empty string");
  const policy = parsePolicy({
    models: listOf(o.models),
    agents: listOf(o.agents),
    manage: o.manage,
    admin: o.admin,
    rpm: o.rpm,
    tpm: o.tpm,
    concurrency: o.concurrency,
    tokensPerDay: o.tokensPerDay,
    tokensPerMonth: o.tokensPerMonth,
  });
  if (typeof policy === "string") throw new KeyStoreError(policy);
  const sshKeys = listOf(o.sshKeys, /\n/) ?? [];
  for (const line of sshKeys)
    if (!parseSshKey(line)) throw new KeyStoreError(`not an ssh-ed25519 public key: ${line.slice(0, 40)}`);
  let expiresAt: number | null = null;
  if (o.expires !== undefined && o.expires !== null && o.expires !== "") {
    const ms = typeof o.expires === "string" ? parseDuration(o.expires) : null;
    if (ms === null) throw new KeyStoreError("expires must be a duration such as 12h, 30d or 2w");
    expiresAt = now + ms;
  }
  const input: NewKey = { name: o.name, owner: o.owner as string | undefined, policy, sshKeys, expiresAt };
  return store.create(input);
}

/** A string list from "a,b" or ["a","b"]; undefined when not given. */
function listOf(value: unknown, separator: RegExp = /,/): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(separator) : null;
  if (!items) throw new KeyStoreError("expected a list of strings");
  return items.map((s) => (typeof s === "string" ? s.trim() : "")).filter(Boolean);
}

/**
 * Never the hash: what a person managing keys needs to see. `policy` is the key's own; `effective`
 * adds the config's key defaults for what it leaves unset, and the summary says which came from them.
 */
export function keyView(r: StoredKey, defaults: KeyDefaults = {}) {
  const effective = withDefaults(r.policy, defaults);
  const filled = Object.keys(effective).filter((field) => !Object.hasOwn(r.policy, field));
  return {
    name: r.name,
    owner: r.owner,
    prefix: r.prefix,
    policy: r.policy as Policy,
    effective,
    summary: `${describePolicy(effective)}${filled.length ? ` (from key-defaults: ${filled.join(", ")})` : ""}`,
    sshKeys: r.sshKeys.length,
    createdAt: new Date(r.createdAt).toISOString(),
    expiresAt: r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(),
    revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
  };
}
