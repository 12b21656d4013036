// Pull single-flight shared by proxy replicas through Redis: one replica holds a model's lock and
// pulls, renewing it; the others follow its progress and outcome, and take over if it lets go.
import { RedisClient } from "bun";
import type { Logger } from "../log.ts";
import type { PullCoordinator, PullOutcome, PullSide } from "../models/index.ts";
import type { PullLine } from "../wire/ollama.ts";
import type { Fleet } from "./fleet.ts";

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

/** Deletes or extends the lock only while it still holds this replica's token. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Followers read a finished pull's outcome for this long after the holder let go. */
const OUTCOME_MS = 60_000;
const PUBLISH_GAP_MS = 250;

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
  const ready = redis.connect().catch(() => {});
  const keys = (model: string, token: string) => {
    const base = `${prefix}${opts.scope ? `${opts.scope()}:` : ""}${model}`;
    return { lock: base, outcome: `${base}:outcome:${token}`, progress: `${base}:progress:${token}` };
  };
  // Closing waits for the pulls still coordinating, so a stopping holder releases its lock.
  let active = 0;
  let closing = false;
  const settle = () => {
    active--;
    if (closing && active === 0) redis.close();
  };

  async function lead(model: string, token: string, side: PullSide): Promise<PullOutcome> {
    const k = keys(model, token);
    const renew = setInterval(() => {
      redis.send("EVAL", [RENEW, "1", k.lock, token, String(lockMs)]).then(
        (kept) => {
          if (kept === 0) logger.warn("shared pull lock lost: another replica may pull too", { model });
        },
        () => {},
      );
    }, lockMs / 3);
    // What followers show their clients: the latest line per phase, at most every PUBLISH_GAP_MS.
    let publishing: Timer | null = null;
    const publish = () => {
      publishing = null;
      const lines = JSON.stringify(side.replay());
      return redis.send("SET", [k.progress, lines, "PX", String(OUTCOME_MS)]).catch(() => {});
    };
    const unsubscribe = side.subscribe(() => {
      publishing ??= setTimeout(publish, PUBLISH_GAP_MS);
    });
    try {
      const outcome = await side.run();
      unsubscribe();
      if (publishing) clearTimeout(publishing);
      // A cancelled pull says nothing: a follower still waiting takes the lock and pulls itself.
      if (outcome.ok || !outcome.cancelled) {
        await publish();
        await redis
          .send("SET", [k.outcome, JSON.stringify(outcome), "PX", String(OUTCOME_MS)])
          .catch(() => {});
      }
      return outcome;
    } finally {
      clearInterval(renew);
      if (publishing) clearTimeout(publishing);
      unsubscribe();
      await redis.send("EVAL", [RELEASE, "1", k.lock, token]).catch(() => {});
    }
  }

  /** Follows the holder of `token`; null when the lock is free again without an outcome (take over). */
  async function follow(model: string, token: string, side: PullSide): Promise<PullOutcome | null> {
    let holder = token;
    const shown = new Map<string, string>();
    logger.info("pull followed", { model, reason: "another replica holds its lock" });
    while (!side.signal.aborted) {
      const k = keys(model, holder);
      const [lock = null, outcome = null, progress = null] = (await redis.send("MGET", [
        k.lock,
        k.outcome,
        k.progress,
      ])) as Array<string | null>;
      for (const line of parseLines(progress)) {
        const text = JSON.stringify(line);
        const at = String(line.status);
        if (shown.get(at) !== text) {
          shown.set(at, text);
          side.record(line);
        }
      }
      if (outcome) {
        const result = JSON.parse(outcome) as PullOutcome;
        if (result.ok) {
          // Its clients' streams end with Ollama's last line, as the holder's do.
          if (!shown.has("success")) side.record({ status: "success" });
          await opts.refresh?.().catch(() => {});
        }
        return result;
      }
      if (lock === null) return null;
      holder = lock;
      await Bun.sleep(pollMs);
    }
    return { ok: false, cancelled: true, message: String(side.signal.reason?.message ?? "pull stopped") };
  }

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
          if (got === "OK") return await lead(model, token, side);
          const holder = (await redis.send("GET", [k.lock])) as string | null;
          if (holder === null) continue;
          const result = await follow(model, holder, side);
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
      else setTimeout(() => redis.close(), 2000).unref();
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

function parseLines(text: string | null): PullLine[] {
  if (!text) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as PullLine[]) : [];
  } catch {
    return [];
  }
}
