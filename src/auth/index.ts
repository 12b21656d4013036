// The auth feature's door: opens the store, the key cache, counters, limiter and usage recorder,
// and hands out the middleware, the /admin store and the /health section.
import path from "node:path";
import type { MiddlewareHandler } from "hono";
import type { KeyDefaults } from "../config/key-defaults.ts";
import type { Logger } from "../log.ts";
import type { AppEnv } from "../types.ts";
import { type Counters, createLocalCounters, createRedisCounters } from "./counters.ts";
import { isPostgresUrl, openDatabase } from "./db.ts";
import { utcDay } from "./duration.ts";
import { createKeyCache, type KeyCache } from "./key-cache.ts";
import { createLimiter } from "./limits.ts";
import { authMiddleware } from "./middleware.ts";
import { createSignatureChecker } from "./ollama-signature.ts";
import { withDefaults } from "./policy.ts";
import { loadSecret } from "./secret.ts";
import { createKeyStore, type KeyStore } from "./store.ts";
import { createUsageRecorder, type UsageRecorder } from "./usage.ts";

export { parseDuration, utcDay } from "./duration.ts";
export { createFromOptions, type KeyOptions, keyView } from "./manage.ts";
export type { KeyStore } from "./store.ts";

export interface AuthSettings {
  databaseUrl: string;
  authSecret: string;
  redisUrl: string;
  basePath: string;
}

export interface Auth {
  middleware: MiddlewareHandler<AppEnv>;
  store: KeyStore;
  usage: UsageRecorder;
  health(): Record<string, unknown>;
  /** The key defaults changed: a budget they now give a key counts this day's and month's stored usage. */
  defaultsChanged(): void;
  /** Writes the pending usage and closes the connections; the graceful stop awaits it. */
  close(): Promise<void>;
}

/** Opens the key store (and migrates it) for the `keys` command, without anything the server needs. */
export async function openKeyStore(settings: Pick<AuthSettings, "databaseUrl" | "authSecret">, cwd: string) {
  const db = await openDatabase(settings.databaseUrl, cwd);
  const secret = loadSecret(settings.authSecret, dataDir(settings.databaseUrl, cwd));
  return { store: createKeyStore(db, secret), secret };
}

/** The secret file lives beside the SQLite file, or in ./data for PostgreSQL. */
function dataDir(databaseUrl: string, cwd: string): string {
  if (isPostgresUrl(databaseUrl)) return path.resolve(cwd, "data");
  return path.dirname(path.resolve(cwd, databaseUrl.replace(/^(sqlite|file):(\/\/)?/i, "")));
}

export async function createAuth(opts: {
  settings: AuthSettings;
  logger: Logger;
  resolve: (model: string) => string;
  /** The config's key defaults in force (live: read again at every key reload). */
  defaults?: () => KeyDefaults;
  cwd?: string;
  /** Test pacing: how often keys are reloaded and usage written. */
  tuning?: { refreshMs?: number; flushMs?: number };
}): Promise<Auth> {
  const logger = opts.logger.child({ component: "auth" });
  const { store, secret } = await openKeyStore(opts.settings, opts.cwd ?? process.cwd());
  if (isPostgresUrl(opts.settings.databaseUrl) && !opts.settings.authSecret)
    logger.warn("AUTH_SECRET is not set: replicas sharing this database must share ./data/auth-secret too");
  const keys: KeyCache = createKeyCache({
    store,
    secret,
    logger,
    refreshMs: opts.tuning?.refreshMs,
    defaults: opts.defaults,
  });
  await keys.ready;
  const counters: Counters = opts.settings.redisUrl
    ? createRedisCounters(opts.settings.redisUrl, logger)
    : createLocalCounters();
  // Limits are shared from the first request on, or the log has said why not.
  await counters.ready;
  const limiter = createLimiter(counters);
  const usage = createUsageRecorder({ store, logger, flushMs: opts.tuning?.flushMs });
  const seed = () =>
    void seedBudgets(store, limiter, opts.defaults?.() ?? {}).catch((error) =>
      logger.warn("budgets start from zero: stored usage unreadable", { error: String(error) }),
    );
  seed();
  logger.info("auth: keys required", { store: store.db.where, counters: counters.health().backend });
  return {
    middleware: authMiddleware({
      keys,
      signatures: createSignatureChecker(counters),
      limiter,
      usage,
      resolve: opts.resolve,
      basePath: opts.settings.basePath,
    }),
    store,
    usage,
    health: () => ({ store: store.db.kind, counters: counters.health() }),
    // Seeding never lowers a count in use: only budgets not counted so far start from the stored usage.
    defaultsChanged: seed,
    async close() {
      keys.close();
      await usage.close();
      counters.close();
      await store.close();
    },
  };
}

/** Budgets count this day's and month's stored usage, so a restart does not hand out a fresh budget. */
async function seedBudgets(
  store: KeyStore,
  limiter: ReturnType<typeof createLimiter>,
  defaults: KeyDefaults,
): Promise<void> {
  const now = Date.now();
  const budgeted = (await store.list())
    .map((k) => ({ id: k.id, policy: withDefaults(k.policy, defaults) }))
    .filter((k) => k.policy.tokensPerDay || k.policy.tokensPerMonth);
  if (budgeted.length === 0) return;
  const today = await store.tokensSince(utcDay(now));
  const month = await store.tokensSince(`${utcDay(now).slice(0, 7)}-01`);
  for (const k of budgeted)
    await limiter.seedBudgets(k.id, k.policy, today.get(k.id) ?? 0, month.get(k.id) ?? 0);
}
