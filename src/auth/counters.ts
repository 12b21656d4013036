// Expiring counters for rate limits: in this process, or in Redis shared by every replica; a replica
// that loses Redis counts locally until it is back, and says so.
import { RedisClient } from "bun";
import type { Logger } from "../log.ts";
import { ACQUIRE_SCRIPT, createLocalSlots, RENEW_SCRIPT, type Slots } from "./slots.ts";

export interface Counters extends Slots {
  /**
   * Adds `by` to `key` (which expires `ttlSeconds` after it is made) and returns the new value:
   * at once from this process's counters, as a promise from Redis.
   */
  add(key: string, by: number, ttlSeconds: number): number | Promise<number>;
  get(key: string): number | Promise<number>;
  /**
   * When `key` was first marked (ms), marking it now with `at` when it is new: a signature's first
   * use, shared by every replica with Redis, so a replay to another replica is seen too.
   */
  firstSeen(key: string, at: number, ttlSeconds: number): number | Promise<number>;
  /** Sets `key` unless it exists (budgets start from the stored usage). */
  seed(key: string, value: number, ttlSeconds: number): Promise<void>;
  /** Settles once the backend is usable or known not to be (Redis: the first connection attempt). */
  ready?: Promise<void>;
  /** For /health: where the counts live and whether that works. */
  health(): { backend: "local" | "redis"; status: "ok" | "degraded"; error?: string };
  close(): void;
}

export function createLocalCounters(now: () => number = Date.now): Counters {
  const slots = createLocalSlots(now);
  const values = new Map<string, { value: number; expiresAt: number }>();
  let nextSweep = 0;
  const live = (key: string, at: number) => {
    const entry = values.get(key);
    if (entry && entry.expiresAt <= at) {
      values.delete(key);
      return undefined;
    }
    return entry;
  };
  const sweep = (at: number) => {
    if (at < nextSweep) return;
    nextSweep = at + 60_000;
    for (const [key, entry] of values) if (entry.expiresAt <= at) values.delete(key);
  };
  return {
    acquire: slots.acquire,
    renew: slots.renew,
    release: slots.release,
    add(key, by, ttlSeconds) {
      const at = now();
      sweep(at);
      const entry = live(key, at);
      if (entry) {
        entry.value += by;
        return entry.value;
      }
      values.set(key, { value: by, expiresAt: at + ttlSeconds * 1000 });
      return by;
    },
    get(key) {
      return live(key, now())?.value ?? 0;
    },
    firstSeen(key, at, ttlSeconds) {
      sweep(at);
      const entry = live(key, at);
      if (entry) return entry.value;
      values.set(key, { value: at, expiresAt: at + ttlSeconds * 1000 });
      return at;
    },
    async seed(key, value, ttlSeconds) {
      if (!live(key, now())) values.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    health: () => ({ backend: "local", status: "ok" }),
    close() {},
  };
}

/** How long one Redis command may take before this request counts locally instead. */
const COMMAND_TIMEOUT_MS = 500;
const CONNECTING = "connecting";
const RECONNECT_MS = 2000;

export function createRedisCounters(url: string, logger: Logger): Counters {
  const local = createLocalCounters();
  // No offline queue: while Redis is away a command fails at once and the local counters answer.
  const client = new RedisClient(url, {
    enableOfflineQueue: false,
    autoReconnect: true,
    connectionTimeout: 2000,
  });
  /** Why Redis is not in use right now; undefined while it is. */
  let lastError: string | undefined = CONNECTING;
  let closed = false;
  const lost = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (lastError === undefined || lastError === CONNECTING)
      logger.warn("redis unreachable: rate limits count in this process only until it is back", {
        error: message,
      });
    lastError = message;
  };
  client.onconnect = () => {
    if (lastError !== undefined) logger.info("redis connected: rate limits are shared again");
    lastError = undefined;
  };
  client.onclose = (err) => {
    if (!closed) lost(err ?? "connection closed");
  };
  const connect = () => client.connect().catch(lost);
  const ready = connect();
  // Also when idle (keys without limits send no command): a lost Redis shows in /health and the log
  // within a couple of seconds, and a regained one too.
  const retry = setInterval(() => {
    if (closed) return;
    if (!client.connected) {
      lost("not connected");
      void connect();
    } else
      void run(
        () => client.send("PING", []),
        async () => null,
      );
  }, RECONNECT_MS);
  retry.unref();

  async function run<T>(command: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (!client.connected) {
      lost("not connected");
      return fallback();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)),
          COMMAND_TIMEOUT_MS,
        );
      });
      return await Promise.race([command(), timeout]);
    } catch (err) {
      lost(err);
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    ready,
    add: (key, by, ttlSeconds) =>
      run(
        async () => {
          // One round trip: the increment and the expiry of a new key travel together.
          const [value] = (await client.send("EVAL", [
            ADD_SCRIPT,
            "1",
            key,
            String(by),
            String(ttlSeconds),
          ])) as [number];
          return Number(value);
        },
        async () => local.add(key, by, ttlSeconds),
      ),
    get: (key) =>
      run(
        async () => Number((await client.get(key)) ?? 0),
        async () => local.get(key),
      ),
    firstSeen: (key, at, ttlSeconds) =>
      run(
        async () => {
          const [first] = (await client.send("EVAL", [
            FIRST_SEEN_SCRIPT,
            "1",
            key,
            String(at),
            String(ttlSeconds),
          ])) as [string | number];
          return Number(first);
        },
        async () => local.firstSeen(key, at, ttlSeconds),
      ),
    acquire: (key, holder, limit, leaseMs) =>
      run(
        async () => {
          const args = [ACQUIRE_SCRIPT, "1", key, holder, String(limit), String(leaseMs)];
          const [taken] = (await client.send("EVAL", args)) as [number];
          return Number(taken);
        },
        async () => local.acquire(key, holder, limit, leaseMs),
      ),
    // A lease taken in Redis and renewed or released while it is away lapses there on its own.
    renew: (key, holder, leaseMs) =>
      run(
        () => client.send("EVAL", [RENEW_SCRIPT, "1", key, holder, String(leaseMs)]),
        async () => local.renew(key, holder, leaseMs),
      ),
    release: (key, holder) =>
      run(
        () => client.send("ZREM", [key, holder]),
        async () => local.release(key, holder),
      ),
    seed: (key, value, ttlSeconds) =>
      run(
        async () => {
          await client.send("SET", [key, String(value), "NX", "EX", String(ttlSeconds)]);
        },
        () => local.seed(key, value, ttlSeconds),
      ),
    health: () =>
      lastError === undefined
        ? { backend: "redis", status: "ok" }
        : {
            backend: "redis",
            status: "degraded",
            error: `redis unreachable (${lastError}): counting locally`,
          },
    close() {
      closed = true;
      clearInterval(retry);
      client.close();
    },
  };
}

const ADD_SCRIPT = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return {v}`;

const FIRST_SEEN_SCRIPT = `local v = redis.call('GET', KEYS[1])
if v then return {v} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {ARGV[1]}`;
