// Pull single-flight shared by proxy replicas through Redis: one replica holds a model's lock and
// pulls, renewing it; the others follow its progress and outcome, and take over if it lets go.
import { RedisClient } from "bun";
import type { Logger } from "../log.ts";
import type { PullCoordinator } from "../models/index.ts";
import type { Fleet } from "./fleet.ts";
import { follow, lead, type Roles } from "./shared-pull-roles.ts";

export interface SharedPullsOptions {
  url: string;
  logger: Logger;
  /** Reads the fleet's model lists again once another replica's pull succeeded (routing sees it). */
  refresh?: () => Promise<unknown>;
  /** The lock's lifetime; the holder renews it every third of it, so a dead holder frees it this late. */
  lockMs?: number;
  /** How often a follower looks at the holder's progress and outcome. */
  pollMs?: number;
  prefix?: string;
  /**
   * Names the fleet (a hash of its servers' addresses): replicas share pulls only with replicas in
   * front of the same servers, even when unrelated proxies use the same Redis.
   */
  scope?: () => string;
}

export interface SharedPulls extends PullCoordinator {
  close(): void;
}

const CONNECT_WAIT_MS = 1000;

export function createSharedPulls(opts: SharedPullsOptions): SharedPulls {
  const { logger } = opts;
  const lockMs = opts.lockMs ?? 15_000;
  const pollMs = opts.pollMs ?? 500;
  const prefix = opts.prefix ?? "osp:pull:";
  const redis = new RedisClient(opts.url, {
    enableOfflineQueue: false,
    autoReconnect: true,
    connectionTimeout: 2000,
  });
  // The first pulls (WARM_MODELS at start-up) wait for the connection, a little: with Redis away
  // they pull on their own at once (commands fail while it is not connected; no offline queue).
  const ready = Promise.race([redis.connect().catch(() => {}), Bun.sleep(CONNECT_WAIT_MS)]);
  const keys = (model: string, token: string) => {
    const base = `${prefix}${opts.scope ? `${opts.scope()}:` : ""}${model}`;
    return { lock: base, outcome: `${base}:outcome:${token}`, progress: `${base}:progress:${token}` };
  };
  const roles: Roles = { redis, keys, logger, lockMs, pollMs, refresh: opts.refresh };
  // Closing waits for the pulls still coordinating, so a stopping holder releases its lock.
  let active = 0;
  let closing = false;
  const settle = () => {
    active--;
    if (closing && active === 0) redis.close();
  };

  return {
    async coordinate(model, side) {
      active++;
      await ready;
      try {
        for (;;) {
          if (side.signal.aborted)
            return {
              ok: false,
              cancelled: true,
              message: String(side.signal.reason?.message ?? "pull stopped"),
            };
          const token = crypto.randomUUID();
          const k = keys(model, token);
          const got = await redis.send("SET", [k.lock, token, "NX", "PX", String(lockMs)]);
          if (got === "OK") return await lead(roles, model, token, side);
          const holder = (await redis.send("GET", [k.lock])) as string | null;
          if (holder === null) continue;
          const result = await follow(roles, model, holder, side);
          if (result) return result;
        }
      } catch (err) {
        // Redis is away: this replica pulls on its own rather than not at all.
        logger.warn("redis unreachable: pulling without sharing with other replicas", {
          model,
          error: err instanceof Error ? err.message : String(err),
        });
        return side.run();
      } finally {
        settle();
      }
    },
    close() {
      closing = true;
      if (active === 0) redis.close();
      // Bounded: a pull that does not stop in time loses its lock by expiry instead.
      else setTimeout(() => redis.close(), Math.min(2000, lockMs)).unref();
    },
  };
}

/** The fleet's servers as one short name: the same list of addresses gives the same name. */
export function fleetScope(fleet: Fleet): string {
  const urls = fleet
    .members()
    .filter((m) => !m.removed)
    .map((m) => m.client.baseUrl)
    .sort();
  return Bun.hash(urls.join(" ")).toString(36);
}
