// The key and usage tables: every read and write the proxy, the `keys` command and /admin make.
import { randomUUID } from "node:crypto";
import type { Database } from "./db.ts";
import { generateKey, keyHash, lookupPrefix } from "./key-format.ts";
import { type Policy, parsePolicy } from "./policy.ts";

export interface StoredKey {
  id: string;
  name: string;
  owner: string;
  prefix: string;
  hash: string;
  policy: Policy;
  /** `ssh-ed25519 AAAA...` lines whose signatures (the ollama CLI's) count as this key. */
  sshKeys: string[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface NewKey {
  name: string;
  owner?: string;
  policy: Policy;
  sshKeys?: string[];
  expiresAt?: number | null;
}

/** One row of usage: what a key did with one model on one route on one UTC day. */
export interface UsageRow {
  keyId: string;
  day: string;
  model: string;
  route: string;
  /** Open WebUI's forwarded user, or "" when none came. */
  endUser: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  totalMs: number;
  firstTokenMs: number;
  firstTokenCount: number;
}

export interface UsageSummary extends Omit<UsageRow, "keyId" | "day" | "route"> {
  name: string;
  day: string;
  route: string;
}

export class KeyStoreError extends Error {}

export interface KeyStore {
  readonly db: Database;
  create(input: NewKey): Promise<{ key: string; record: StoredKey }>;
  list(): Promise<StoredKey[]>;
  /** Revokes by name or lookup prefix; null when nothing matches. */
  revoke(nameOrPrefix: string): Promise<StoredKey | null>;
  addUsage(rows: readonly UsageRow[]): Promise<void>;
  /** Usage since `sinceDay` (YYYY-MM-DD), per key name, day, model and route; one key when `name` given. */
  usage(sinceDay: string, name?: string): Promise<UsageSummary[]>;
  /** Tokens per key id since `sinceDay`: the budgets' starting point when a process starts. */
  tokensSince(sinceDay: string): Promise<Map<string, number>>;
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function createKeyStore(db: Database, secret: Uint8Array): KeyStore {
  const { sql } = db;
  return {
    db,
    async create(input) {
      if (!NAME.test(input.name))
        throw new KeyStoreError("a key name is 1-64 letters, digits, dots, dashes, underscores or @");
      const existing = await sql`SELECT id FROM api_keys WHERE name = ${input.name}`;
      if (existing.length > 0) throw new KeyStoreError(`a key named '${input.name}' exists already`);
      const key = generateKey();
      const now = Date.now();
      const record: StoredKey = {
        id: randomUUID(),
        name: input.name,
        owner: input.owner || input.name,
        prefix: lookupPrefix(key),
        hash: keyHash(secret, key),
        policy: input.policy,
        sshKeys: input.sshKeys ?? [],
        createdAt: now,
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
      };
      await sql`INSERT INTO api_keys (id, name, owner, prefix, hash, policy, ssh_keys, created_at, expires_at, revoked_at, updated_at)
        VALUES (${record.id}, ${record.name}, ${record.owner}, ${record.prefix}, ${record.hash},
                ${JSON.stringify(record.policy)}, ${JSON.stringify(record.sshKeys)}, ${now},
                ${record.expiresAt}, ${null}, ${now})`;
      return { key, record };
    },
    async list() {
      const rows = await sql`SELECT * FROM api_keys ORDER BY created_at, name`;
      return (rows as Row[]).map(fromRow);
    },
    async revoke(nameOrPrefix) {
      const rows =
        (await sql`SELECT * FROM api_keys WHERE name = ${nameOrPrefix} OR prefix = ${nameOrPrefix}`) as Row[];
      const row = rows[0];
      if (!row) return null;
      const now = Date.now();
      await sql`UPDATE api_keys SET revoked_at = ${now}, updated_at = ${now} WHERE id = ${row.id} AND revoked_at IS NULL`;
      return { ...fromRow(row), revokedAt: row.revoked_at == null ? now : Number(row.revoked_at) };
    },
    async addUsage(rows) {
      if (rows.length === 0) return;
      await sql.begin(async (tx) => {
        for (const r of rows) {
          await tx`INSERT INTO usage_daily (key_id, day, model, route, end_user, requests, errors, input_tokens,
              output_tokens, total_ms, first_token_ms, first_token_count)
            VALUES (${r.keyId}, ${r.day}, ${r.model}, ${r.route}, ${r.endUser}, ${r.requests}, ${r.errors},
              ${r.inputTokens}, ${r.outputTokens}, ${Math.round(r.totalMs)}, ${Math.round(r.firstTokenMs)}, ${r.firstTokenCount})
            ON CONFLICT (key_id, day, model, route, end_user) DO UPDATE SET
              requests = usage_daily.requests + excluded.requests,
              errors = usage_daily.errors + excluded.errors,
              input_tokens = usage_daily.input_tokens + excluded.input_tokens,
              output_tokens = usage_daily.output_tokens + excluded.output_tokens,
              total_ms = usage_daily.total_ms + excluded.total_ms,
              first_token_ms = usage_daily.first_token_ms + excluded.first_token_ms,
              first_token_count = usage_daily.first_token_count + excluded.first_token_count`;
        }
      });
    },
    async usage(sinceDay, name) {
      // PostgreSQL cannot type a parameter compared only with NULL: two plain queries instead of one clever one.
      const oneKey = name === undefined ? sql`` : sql`AND k.name = ${name}`;
      const rows = (await sql`SELECT k.name AS name, u.day AS day, u.model AS model, u.route AS route,
          u.end_user AS end_user, u.requests AS requests, u.errors AS errors, u.input_tokens AS input_tokens,
          u.output_tokens AS output_tokens, u.total_ms AS total_ms, u.first_token_ms AS first_token_ms,
          u.first_token_count AS first_token_count
        FROM usage_daily u JOIN api_keys k ON k.id = u.key_id
        WHERE u.day >= ${sinceDay} ${oneKey}
        ORDER BY k.name, u.day, u.model, u.route, u.end_user`) as UsageDbRow[];
      return rows.map((r) => ({
        name: r.name,
        day: r.day,
        model: r.model,
        route: r.route,
        endUser: r.end_user,
        requests: Number(r.requests),
        errors: Number(r.errors),
        inputTokens: Number(r.input_tokens),
        outputTokens: Number(r.output_tokens),
        totalMs: Number(r.total_ms),
        firstTokenMs: Number(r.first_token_ms),
        firstTokenCount: Number(r.first_token_count),
      }));
    },
    async tokensSince(sinceDay) {
      const rows = (await sql`SELECT key_id, SUM(input_tokens + output_tokens) AS tokens
        FROM usage_daily WHERE day >= ${sinceDay} GROUP BY key_id`) as Array<{
        key_id: string;
        tokens: unknown;
      }>;
      return new Map(rows.map((r) => [r.key_id, Number(r.tokens)]));
    },
    async close() {
      await sql.close();
    },
  };
}

interface Row {
  id: string;
  name: string;
  owner: string;
  prefix: string;
  hash: string;
  policy: string;
  ssh_keys: string;
  created_at: unknown;
  expires_at: unknown;
  revoked_at: unknown;
}

interface UsageDbRow {
  name: string;
  day: string;
  model: string;
  route: string;
  end_user: string;
  requests: unknown;
  errors: unknown;
  input_tokens: unknown;
  output_tokens: unknown;
  total_ms: unknown;
  first_token_ms: unknown;
  first_token_count: unknown;
}

/** PostgreSQL hands BIGINT back as strings and SQLite as numbers: both become numbers here. */
function fromRow(r: Row): StoredKey {
  const policy = parsePolicy(safeJson(r.policy));
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    prefix: r.prefix,
    hash: r.hash,
    // A row someone edited by hand into nonsense grants nothing rather than everything.
    policy: typeof policy === "string" ? { models: [], agents: [] } : policy,
    sshKeys: (safeJson(r.ssh_keys) as string[] | null) ?? [],
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at == null ? null : Number(r.expires_at),
    revokedAt: r.revoked_at == null ? null : Number(r.revoked_at),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
