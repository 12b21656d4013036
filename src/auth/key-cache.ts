// Every key in memory, reloaded from the store about once a second: a request never waits on the
// database, and a key created or revoked by any replica or `keys` command counts within two seconds.
import type { KeyDefaults } from "../config/key-defaults.ts";
import type { Logger } from "../log.ts";
import { keyHash, looksLikeKey, lookupPrefix, sameHash } from "./key-format.ts";
import { compileModelRule, type ModelRule, type Policy, withDefaults } from "./policy.ts";
import { parseSshKey, type SshKey } from "./ssh-key.ts";
import type { KeyStore, StoredKey } from "./store.ts";

const MAX_VERIFIED = 10_000;

export interface CachedKey {
  record: StoredKey;
  /** What the key is held to: its own policy with the config's key defaults filling unset fields. */
  policy: Policy;
  models: ModelRule;
  /** Lower-cased agent names; null = every agent. */
  agents: ReadonlySet<string> | null;
}

export type KeyLookup =
  | { kind: "ok"; key: CachedKey }
  | { kind: "unknown" }
  | { kind: "revoked"; key: CachedKey }
  | { kind: "expired"; key: CachedKey };

export interface KeyCache {
  /** The first load: the proxy answers no request before it knows the keys. */
  readonly ready: Promise<void>;
  byKey(key: string): KeyLookup;
  /** The key an ssh public key (the ollama CLI's) was registered with, and the parsed public key. */
  bySshBlob(blob: string): { lookup: KeyLookup; ssh: SshKey } | null;
  close(): void;
}

export function createKeyCache(opts: {
  store: KeyStore;
  secret: Uint8Array;
  logger: Logger;
  refreshMs?: number;
  now?: () => number;
  /** The config's key defaults in force, read at every reload (so an edited file counts within seconds). */
  defaults?: () => KeyDefaults;
}): KeyCache {
  const now = opts.now ?? Date.now;
  let byPrefix = new Map<string, CachedKey>();
  let bySsh = new Map<string, { key: CachedKey; ssh: SshKey }>();
  /**
   * Keys that verified against this load's hashes: the next request with the same key skips the
   * HMAC. Made anew with every load, so a changed or revoked row is judged afresh within a second.
   */
  let verified = new Map<string, CachedKey>();
  let failing = false;
  const load = async () => {
    const rows = await opts.store.list();
    const defaults = opts.defaults?.() ?? {};
    const prefixes = new Map<string, CachedKey>();
    const ssh = new Map<string, { key: CachedKey; ssh: SshKey }>();
    for (const record of rows) {
      const policy = withDefaults(record.policy, defaults);
      const cached: CachedKey = {
        record,
        policy,
        models: compileModelRule(policy.models),
        agents: policy.agents ? new Set(policy.agents.map((a) => a.toLowerCase())) : null,
      };
      prefixes.set(record.prefix, cached);
      for (const line of record.sshKeys) {
        const parsed = parseSshKey(line);
        // A public key registered with several keys: the live one wins over a revoked one.
        if (parsed && (!ssh.has(parsed.blob) || record.revokedAt === null))
          ssh.set(parsed.blob, { key: cached, ssh: parsed });
      }
    }
    byPrefix = prefixes;
    bySsh = ssh;
    verified = new Map();
  };
  const ready = load();
  // A failing database keeps the last good set of keys: revocations wait, requests do not fail.
  const refresh = () =>
    load().then(
      () => {
        if (failing) opts.logger.info("key store reachable again");
        failing = false;
      },
      (error) => {
        if (!failing)
          opts.logger.warn("key store unreachable: using the keys loaded last", { error: String(error) });
        failing = true;
      },
    );
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void refresh().finally(() => {
      running = false;
    });
  }, opts.refreshMs ?? 1000);
  timer.unref();

  const state = (key: CachedKey): KeyLookup => {
    if (key.record.revokedAt !== null) return { kind: "revoked", key };
    if (key.record.expiresAt !== null && key.record.expiresAt <= now()) return { kind: "expired", key };
    return { kind: "ok", key };
  };
  return {
    ready,
    byKey(key) {
      const known = verified.get(key);
      if (known) return state(known);
      if (!looksLikeKey(key)) return { kind: "unknown" };
      const found = byPrefix.get(lookupPrefix(key));
      if (!found || !sameHash(found.record.hash, keyHash(opts.secret, key))) return { kind: "unknown" };
      // Bounded: only keys that verified get in, and there are only as many as the table has.
      if (verified.size < MAX_VERIFIED) verified.set(key, found);
      return state(found);
    },
    bySshBlob(blob) {
      const found = bySsh.get(blob);
      return found ? { lookup: state(found.key), ssh: found.ssh } : null;
    },
    close() {
      clearInterval(timer);
    },
  };
}
