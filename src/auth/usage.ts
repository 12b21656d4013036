// Usage accounting off the request path: each finished request adds to a row in memory; rows go to
// the store in one transaction every couple of seconds and once more when the proxy stops.
import type { Logger } from "../log.ts";
import { utcDay } from "./duration.ts";
import type { KeyStore, UsageRow } from "./store.ts";

export interface RequestUsage {
  keyId: string;
  model: string;
  route: string;
  endUser: string;
  failed: boolean;
  inputTokens: number;
  outputTokens: number;
  totalMs: number;
  firstTokenMs?: number;
}

export interface UsageRecorder {
  record(u: RequestUsage): void;
  /** Writes what is pending; the stop path awaits it. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Rows kept while the store is failing; beyond this the oldest day's detail is lost, and logged. */
const MAX_PENDING_ROWS = 50_000;

export function createUsageRecorder(opts: {
  store: KeyStore;
  logger: Logger;
  flushMs?: number;
  now?: () => number;
}): UsageRecorder {
  const now = opts.now ?? Date.now;
  let pending = new Map<string, UsageRow>();
  let flushing: Promise<void> | null = null;
  const flushOnce = async () => {
    if (pending.size === 0) return;
    const rows = [...pending.values()];
    pending = new Map();
    try {
      await opts.store.addUsage(rows);
    } catch (error) {
      opts.logger.warn("usage not written yet; kept for the next try", {
        error: String(error),
        rows: rows.length,
      });
      for (const row of rows) merge(pending, row);
      if (pending.size > MAX_PENDING_ROWS) {
        opts.logger.error("usage rows dropped: the store has been failing too long", { rows: pending.size });
        pending = new Map();
      }
    }
  };
  const flush = () => {
    // One flush at a time; a flush asked for while one runs runs after it (the stop path's last rows).
    const next = (flushing ?? Promise.resolve()).then(flushOnce);
    flushing = next.finally(() => {
      if (flushing === next) flushing = null;
    });
    return next;
  };
  const timer = setInterval(() => void flush(), opts.flushMs ?? 2000);
  timer.unref();
  return {
    record(u) {
      merge(pending, {
        keyId: u.keyId,
        day: today(now()),
        model: u.model,
        route: u.route,
        endUser: u.endUser,
        requests: 1,
        errors: u.failed ? 1 : 0,
        inputTokens: u.inputTokens,
        outputTokens: u.outputTokens,
        totalMs: u.totalMs,
        firstTokenMs: u.firstTokenMs ?? 0,
        firstTokenCount: u.firstTokenMs === undefined ? 0 : 1,
      });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

let dayCache = { start: 0, end: -1, day: "" };

/** The UTC day, worked out once per day rather than per request. */
function today(at: number): string {
  if (at < dayCache.start || at >= dayCache.end) {
    const start = at - (at % 86_400_000);
    dayCache = { start, end: start + 86_400_000, day: utcDay(at) };
  }
  return dayCache.day;
}

function merge(into: Map<string, UsageRow>, row: UsageRow): void {
  const id = `${row.keyId}\u0000${row.day}\u0000${row.model}\u0000${row.route}\u0000${row.endUser}`;
  const had = into.get(id);
  if (!had) {
    into.set(id, { ...row });
    return;
  }
  had.requests += row.requests;
  had.errors += row.errors;
  had.inputTokens += row.inputTokens;
  had.outputTokens += row.outputTokens;
  had.totalMs += row.totalMs;
  had.firstTokenMs += row.firstTokenMs;
  had.firstTokenCount += row.firstTokenCount;
}
