// The two roles in a pull shared through Redis: the holder of a model's lock pulls, renews it and
// publishes progress and outcome; a follower shows those to its own waiters until the lock is free.
import type { RedisClient } from "bun";
import type { Logger } from "../log.ts";
import type { PullOutcome, PullSide } from "../models/index.ts";
import type { PullLine } from "../wire/ollama.ts";

export interface Roles {
  redis: RedisClient;
  keys(model: string, token: string): { lock: string; outcome: string; progress: string };
  logger: Logger;
  lockMs: number;
  pollMs: number;
  refresh?: () => Promise<unknown>;
}

/** Deletes or extends the lock only while it still holds this replica's token. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Followers read a finished pull's outcome for this long after the holder let go. */
const OUTCOME_MS = 60_000;
const PUBLISH_GAP_MS = 250;

/** Pulls as the holder of the lock (`token`): renewed while it runs, released (if still ours) at the end. */
export async function lead(r: Roles, model: string, token: string, side: PullSide): Promise<PullOutcome> {
  const k = r.keys(model, token);
  const renew = setInterval(() => {
    r.redis.send("EVAL", [RENEW, "1", k.lock, token, String(r.lockMs)]).then(
      (kept) => {
        if (kept === 0) r.logger.warn("shared pull lock lost: another replica may pull too", { model });
      },
      () => {},
    );
  }, r.lockMs / 3);
  // What followers show their clients: the latest line per phase, at most every PUBLISH_GAP_MS.
  let publishing: Timer | null = null;
  const publish = () => {
    publishing = null;
    const lines = JSON.stringify(side.replay());
    return r.redis.send("SET", [k.progress, lines, "PX", String(OUTCOME_MS)]).catch(() => {});
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
      await r.redis
        .send("SET", [k.outcome, JSON.stringify(outcome), "PX", String(OUTCOME_MS)])
        .catch(() => {});
    }
    return outcome;
  } finally {
    clearInterval(renew);
    if (publishing) clearTimeout(publishing);
    unsubscribe();
    await r.redis.send("EVAL", [RELEASE, "1", k.lock, token]).catch(() => {});
  }
}

/** Follows the holder of `token`; null when the lock is free again without an outcome (take over). */
export async function follow(
  r: Roles,
  model: string,
  token: string,
  side: PullSide,
): Promise<PullOutcome | null> {
  let holder = token;
  const shown = new Map<string, string>();
  r.logger.info("pull followed", { model, reason: "another replica holds its lock" });
  while (!side.signal.aborted) {
    const k = r.keys(model, holder);
    const [lock = null, outcome = null, progress = null] = (await r.redis.send("MGET", [
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
        await r.refresh?.().catch(() => {});
      }
      return result;
    }
    if (lock === null) return null;
    holder = lock;
    await Bun.sleep(r.pollMs);
  }
  return { ok: false, cancelled: true, message: String(side.signal.reason?.message ?? "pull stopped") };
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
