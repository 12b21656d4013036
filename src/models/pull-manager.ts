// Single-flight pulls: one upstream pull per model, a backoff after failures, a grace before orphans stop.
import type { Logger } from "../log.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import type { PullLine } from "../wire/ollama.ts";
import { modelKey } from "./names.ts";
import { type PullCoordinator, PullJob, type PullOutcome, type PullRequest } from "./pull-job.ts";
import { invalidModelName, isValidModelName } from "./valid-name.ts";

export interface PullFailure {
  model: string;
  message: string;
  at: number;
}

export interface PullLease {
  job: PullJob;
  /** The waiter is gone (answered, or its client left); idempotent. */
  leave(): void;
}

export interface PullManagerOptions {
  upstream: UpstreamClient;
  logger: Logger;
  retryAfterMs: number;
  graceMs: number;
  /** Runs once a pull succeeded, before any waiter hears of it. */
  onPulled?: (model: string) => void;
  /** Told of every pull's start, progress lines and end (metrics, the event stream, a span). */
  observer?: PullObserver;
  /** With REDIS_URL: one pull per model across every replica (src/fleet/shared-pulls.ts). */
  coordinator?: PullCoordinator;
}

export interface PullObserver {
  started(model: string): {
    line(line: PullLine): void;
    finished(outcome: PullOutcome, report: { ms: number; bytes: number }): void;
  };
}

/** Failures kept for the backoff and GET /models: bounded in count and, with the text clipped, in bytes. */
const MAX_FAILURES = 100;
const MAX_FAILURE_TEXT = 1000;

/** An upstream error text can be as long as the upstream likes; what is kept of it is not. */
function clip(text: string): string {
  return text.length <= MAX_FAILURE_TEXT
    ? text
    : `${text.slice(0, MAX_FAILURE_TEXT)}… (${text.length} characters)`;
}

interface Slot {
  job: PullJob;
  waiters: number;
  grace?: Timer;
}

export class PullManager {
  private readonly slots = new Map<string, Slot>();
  private readonly failures = new Map<string, PullFailure>();

  constructor(private readonly opts: PullManagerOptions) {}

  /** A failure younger than the backoff: automatic pulls report it instead of trying again. */
  recentFailure(model: string): (PullFailure & { retryAt: number }) | null {
    const failure = this.failures.get(modelKey(model));
    const retryAt = (failure?.at ?? 0) + this.opts.retryAfterMs;
    return failure && Date.now() < retryAt ? { ...failure, retryAt } : null;
  }

  isPulling(model: string): boolean {
    return this.slots.has(modelKey(model));
  }

  /**
   * Joins the pull of `model` in flight, or starts one with `request` (default: just the name).
   * Callers pass names already checked with isValidModelName: nothing else may become a key here.
   */
  join(model: string, request?: PullRequest): PullLease {
    if (!isValidModelName(model)) throw invalidModelName();
    const key = modelKey(model);
    let slot = this.slots.get(key);
    if (!slot) slot = this.start(key, model, request ?? { body: { model } });
    const joined = slot;
    joined.waiters++;
    clearTimeout(joined.grace);
    let left = false;
    return {
      job: joined.job,
      leave: () => {
        if (left) return;
        left = true;
        joined.waiters--;
        if (joined.waiters === 0 && !joined.job.outcome) this.orphaned(joined);
      },
    };
  }

  active(): Array<{
    model: string;
    status: string;
    percent: number | null;
    waiters: number;
    startedAt: number;
  }> {
    return [...this.slots.values()].map(({ job, waiters }) => ({
      model: job.model,
      status: job.status,
      percent: job.percent,
      waiters,
      startedAt: job.startedAt,
    }));
  }

  recentFailures(): Array<PullFailure & { retryAt: number }> {
    return [...this.failures.values()].map((f) => ({ ...f, retryAt: f.at + this.opts.retryAfterMs }));
  }

  stop(): void {
    for (const slot of this.slots.values()) slot.job.cancel("the proxy is shutting down");
  }

  private start(key: string, model: string, request: PullRequest): Slot {
    const { logger } = this.opts;
    const slot: Slot = {
      job: new PullJob(model, this.opts.upstream, request, this.opts.coordinator, key),
      waiters: 0,
    };
    this.slots.set(key, slot);
    logger.info("pull started", { model });
    const watch = this.opts.observer?.started(model);
    const unsubscribe = watch ? slot.job.subscribe((line) => watch.line(line)) : null;
    // Registered before any waiter's handler, so state is settled when they wake.
    slot.job.done.then((outcome) => {
      if (this.slots.get(key) === slot) this.slots.delete(key);
      clearTimeout(slot.grace);
      const ms = Date.now() - slot.job.startedAt;
      unsubscribe?.();
      watch?.finished(outcome, { ms, bytes: slot.job.bytes });
      if (outcome.ok) {
        this.failures.delete(key);
        logger.info("pull finished", { model, ms });
        this.opts.onPulled?.(model);
      } else if (outcome.cancelled) {
        logger.info("pull stopped", { model, ms, reason: outcome.message });
      } else {
        this.failures.delete(key);
        this.failures.set(key, { model, message: clip(outcome.message), at: Date.now() });
        // Any name a client sends can fail; the oldest failures make room (insertion order).
        for (const old of this.failures.keys()) {
          if (this.failures.size <= MAX_FAILURES) break;
          this.failures.delete(old);
        }
        logger.warn("pull failed", { model, ms, error: clip(outcome.message) });
      }
    });
    return slot;
  }

  /**
   * Ollama stops a pull when its client leaves; the proxy waits `graceMs` first, because the usual
   * reason for leaving is a client timeout followed by a retry, which then rejoins this same pull.
   */
  private orphaned(slot: Slot): void {
    const stop = () => slot.job.cancel("nobody is waiting for this pull any more");
    if (this.opts.graceMs <= 0) {
      stop();
      return;
    }
    slot.grace = setTimeout(() => {
      if (slot.waiters === 0) stop();
    }, this.opts.graceMs);
  }
}
