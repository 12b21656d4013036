// The wait for a free slot when every candidate is at its max-concurrent: first come, first served,
// bounded in length and in time. A waiter whose servers free up goes; one for other servers may pass.
import { ProxyError } from "../errors.ts";

interface Waiter<T> {
  /** Takes a slot now if one of its servers has room; null = keep waiting. */
  take: () => T | null;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
  onPosition?: (position: number) => void;
  cleanup: () => void;
}

export interface QueueLimits {
  max: number;
  waitMs: number;
}

export class FairQueue<T> {
  private waiters: Waiter<T>[] = [];

  constructor(private readonly limits: () => QueueLimits) {}

  get length(): number {
    return this.waiters.length;
  }

  /** Waits for `take` to succeed; 503 with Retry-After when the queue is full or the wait is over. */
  wait(take: () => T | null, signal: AbortSignal, onPosition?: (position: number) => void): Promise<T> {
    const { max, waitMs } = this.limits();
    if (this.waiters.length >= max) return Promise.reject(busy(`the queue is full (${max} waiting)`, waitMs));
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    const timer = setTimeout(() => {
      this.remove(waiter);
      reject(busy(`no upstream had room within ${Math.round(waitMs / 100) / 10} s`, waitMs));
    }, waitMs);
    const abort = () => {
      this.remove(waiter);
      reject(signal.reason ?? new DOMException("The client went away", "AbortError"));
    };
    signal.addEventListener("abort", abort, { once: true });
    const waiter: Waiter<T> = {
      take,
      resolve,
      reject,
      onPosition,
      cleanup: () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", abort);
      },
    };
    this.waiters.push(waiter);
    onPosition?.(this.waiters.length);
    return promise;
  }

  /** A slot came free (or the servers changed): hand out what can be handed out, in arrival order. */
  drain(): void {
    if (!this.waiters.length) return;
    let moved = false;
    for (const w of [...this.waiters]) {
      const got = w.take();
      if (got === null) continue;
      this.remove(w);
      moved = true;
      w.resolve(got);
    }
    if (moved) for (const [i, w] of this.waiters.entries()) w.onPosition?.(i + 1);
  }

  private remove(w: Waiter<T>): void {
    const at = this.waiters.indexOf(w);
    if (at !== -1) this.waiters.splice(at, 1);
    w.cleanup();
  }
}

function busy(why: string, waitMs: number): ProxyError {
  const err = new ProxyError(
    503,
    `every upstream that can serve this model is at its max-concurrent and ${why}; try again later`,
  );
  // Retry-After in whole seconds: a fraction of the wait, at least one.
  err.retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 4000));
  return err;
}
