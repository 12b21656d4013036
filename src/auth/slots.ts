// Concurrency slots held as leases: each request in flight holds one, renewed while it runs, so a
// slot held by a replica that crashed frees itself within a lease instead of counting for a day.

/** How long a slot lasts without renewal; the limiter renews it every third of that. */
export const SLOT_LEASE_MS = 30_000;

export interface Slots {
  /** Takes one of `limit` slots under `key` for `holder` for `leaseMs`: 1 when taken, 0 when all are held. */
  acquire(key: string, holder: string, limit: number, leaseMs: number): number | Promise<number>;
  /** Extends `holder`'s lease (a no-op once it has lapsed or was released). */
  renew(key: string, holder: string, leaseMs: number): unknown;
  release(key: string, holder: string): unknown;
}

/** This process's slots, for one process or while Redis is away. */
export function createLocalSlots(now: () => number = Date.now): Slots {
  const held = new Map<string, Map<string, number>>();
  const live = (key: string, at: number) => {
    const holders = held.get(key);
    if (!holders) return undefined;
    for (const [holder, until] of holders) if (until <= at) holders.delete(holder);
    return holders;
  };
  return {
    acquire(key, holder, limit, leaseMs) {
      const at = now();
      const holders = live(key, at) ?? new Map<string, number>();
      if (holders.size >= limit) return 0;
      holders.set(holder, at + leaseMs);
      held.set(key, holders);
      return 1;
    },
    renew(key, holder, leaseMs) {
      const holders = live(key, now());
      if (holders?.has(holder)) holders.set(holder, now() + leaseMs);
    },
    release(key, holder) {
      const holders = held.get(key);
      holders?.delete(holder);
      if (holders?.size === 0) held.delete(key);
    },
  };
}

// A sorted set per key: members are holders, scores the moment their lease ends, in Redis's own
// clock (TIME), so replicas whose clocks differ agree on which leases have lapsed. The set itself
// expires with its newest lease, so a key nobody uses leaves nothing behind.
const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

export const ACQUIRE_SCRIPT = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return {0} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1}`;

export const RENEW_SCRIPT = `${NOW_MS}
local ends = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not ends or tonumber(ends) <= now then return {0} end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1}`;
