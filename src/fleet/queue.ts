// The wait for a free slot when every candidate is at its max-concurrent, bounded in length and in
// time. Askers (API keys) take turns, each one's requests first come, first served, so one key's
// burst cannot starve another's; a waiter whose servers free up goes, one for other servers may pass.
import { ProxyError } from "../errors.ts";

interface Waiter<T> {
  /** Takes a slot now if one of its servers has room; null = keep waiting. */
  take: () => T | null;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
  onPosition?: (position: number) => void;
  /** Who asks ("" without keys: then the queue is plain first come, first served). */
  party: string;
  cleanup: () => void;
}

export interface QueueLimits {
  max: number;
  waitMs: number;
}

export class FairQueue<T> {
  private waiters: Waiter<T>[] = [];
  /** When each asker was last served (a count of services): who waited longest since goes first. */
  private readonly servedAt = new Map<string, number>();
  private services = 0;

  constructor(private readonly limits: () => QueueLimits) {}

  get length(): number {
    return this.waiters.length;
  }

  /** Waits for `take` to succeed; 503 with Retry-After when the queue is full or the wait is over. */
  wait(
    take: () => T | null,
    signal: AbortSignal,
    onPosition?: (position: number) => void,
    party = "",
  ): Promise<T> {
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
      party,
      cleanup: () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", abort);
      },
    };
    this.waiters.push(waiter);
    onPosition?.(this.turns().indexOf(waiter) + 1);
    return promise;
  }

  /** A slot came free (or the servers changed): hand out what can be handed out, in turn order. */
  drain(): void {
    if (!this.waiters.length) return;
    let moved = false;
    for (const w of this.turns()) {
      const got = w.take();
      if (got === null) continue;
      this.remove(w);
      this.servedAt.set(w.party, ++this.services);
      moved = true;
      w.resolve(got);
    }
    if (moved) for (const [i, w] of this.turns().entries()) w.onPosition?.(i + 1);
  }

  /**
   * The waiters in the order they are served: round by round, each asker's oldest waiter in turn,
   * askers served longest ago first (never served ones in the order they arrived). One entry per
   * asker is kept, so the memory is bounded by the number of keys.
   */
  private turns(): Waiter<T>[] {
    const byParty = new Map<string, Waiter<T>[]>();
    for (const w of this.waiters) {
      const list = byParty.get(w.party);
      if (list) list.push(w);
      else byParty.set(w.party, [w]);
    }
    if (byParty.size === 1) return [...this.waiters];
    // A stable sort: askers never served (0) keep their order of arrival.
    const rotated = [...byParty.keys()].sort(
      (x, y) => (this.servedAt.get(x) ?? 0) - (this.servedAt.get(y) ?? 0),
    );
    const out: Waiter<T>[] = [];
    for (let round = 0; out.length < this.waiters.length; round++)
      for (const p of rotated) {
        const w = byParty.get(p)?.[round];
        if (w) out.push(w);
      }
    return out;
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
