// The fleet: the servers in force (from UPSTREAMS or OLLAMA_URL alone), their polling, and the one
// way a request gets a server — a lease on the best candidate, or a place in the fair queue.
import type { Config } from "../config/index.ts";
import type { UpstreamSpec } from "../config/upstreams.ts";
import type { Logger } from "../log.ts";
import type { FetchLike } from "../upstream/client.ts";
import { rankMembers } from "./choose.ts";
import { Member } from "./member.ts";
import { refreshMember } from "./poll.ts";
import { FairQueue } from "./queue.ts";

/** The name of the one server when only OLLAMA_URL is given. */
export const DEFAULT_NAME = "default";

export interface Lease {
  member: Member;
  /** Why it was chosen (warm, least busy, affinity, ...). */
  reason: string;
  /** The request is over on that server; idempotent. */
  release(): void;
}

export interface AcquireOptions {
  /** Servers already tried for this request (failover). */
  exclude?: ReadonlySet<Member>;
  signal: AbortSignal;
  /** A server to prefer when it can take the request (affinity). */
  preferred?: string;
  onQueued?: (position: number) => void;
  /** Who asks (an API key's name); the queue takes turns between askers. */
  party?: string;
}

export interface FleetOptions {
  current: () => Config;
  logger: Logger;
  fetch?: FetchLike;
  /** Told how long each request that waited in the queue waited before it got a server (metrics). */
  onQueueWait?: (ms: number) => void;
}

export class Fleet {
  private list: Member[] = [];
  private readonly queue: FairQueue<Lease>;
  private timer: Timer | null = null;
  private stopped = false;

  constructor(private readonly opts: FleetOptions) {
    this.queue = new FairQueue(() => {
      const c = opts.current();
      return { max: c.fleetQueueMax, waitMs: c.fleetQueueWaitMs };
    });
    this.apply(opts.current());
  }

  members(): readonly Member[] {
    return this.list;
  }

  /** More than one server: polling, merged views and failover are on. */
  get many(): boolean {
    return this.list.length > 1;
  }

  byName(name: string): Member | undefined {
    return this.list.find((m) => m.name === name);
  }

  queued(): number {
    return this.queue.length;
  }

  /** Takes the servers of a (re)loaded config: new ones join, removed ones finish what they run. */
  apply(config: Config): void {
    const specs: UpstreamSpec[] = config.upstreams.length
      ? [...config.upstreams]
      : [{ name: DEFAULT_NAME, url: config.ollamaUrl, maxConcurrent: 0, weight: 1 }];
    const next: Member[] = [];
    for (const spec of specs) {
      const old = this.list.find((m) => m.name === spec.name && m.spec.url === spec.url);
      if (old) {
        old.spec = spec;
        next.push(old);
        continue;
      }
      const member = new Member(
        spec,
        {
          idleTimeoutMs: config.upstreamIdleTimeoutSeconds * 1000,
          maxLineBytes: config.maxLineMb * 2 ** 20,
          fetch: this.opts.fetch,
          breaker: () => {
            const c = this.opts.current();
            return { failures: c.fleetBreakerFailures, backoffMs: c.fleetBreakerBackoffMs };
          },
        },
        config.upstreams.length ? null : config.ollamaAuth,
      );
      next.push(member);
    }
    for (const m of this.list) if (!next.includes(m)) m.removed = true;
    const changed = next.length !== this.list.length || next.some((m, i) => m !== this.list[i]);
    this.list = next;
    if (changed && this.timer) {
      this.opts.logger.info("fleet changed", { upstreams: next.map((m) => m.name) });
      void this.pollAll();
    }
    this.queue.drain();
  }

  /**
   * A lease on the best server for `key` that has room; waits in the queue when every candidate is
   * full; null when no candidate is left (all excluded).
   */
  acquire(key: string, opts: AcquireOptions): Lease | Promise<Lease> | null {
    // A fleet of one (OLLAMA_URL alone, the commonest set-up) has nothing to rank: its one server is
    // tried healthy or not, and only a limit of its own makes a request wait.
    const only = this.list.length === 1 ? this.list[0] : undefined;
    if (only && !only.removed && !opts.exclude?.has(only) && this.queue.length === 0 && !only.full())
      return this.lease(only, "the only server");
    const now = Date.now();
    const ranked = rankMembers(this.list, key, now, opts.preferred);
    const exclude = opts.exclude;
    const pick = (list: Member[]) => list.filter((m) => !exclude?.has(m));
    let candidates = pick(ranked.healthy);
    let reason = ranked.reason;
    // No healthy server left: try the others rather than refuse (a fleet of one always tries its one).
    if (!candidates.length) {
      candidates = pick(ranked.fallback);
      reason = "no healthy server, trying one anyway";
    }
    if (!candidates.length) return null;
    const free = this.queue.length === 0 ? candidates.find((m) => !m.full()) : undefined;
    if (free) return this.lease(free, free === ranked.healthy[0] ? reason : "next candidate");
    const take = () => {
      const again = rankMembers(this.list, key, Date.now(), opts.preferred);
      const m = [...again.healthy, ...again.fallback].find((c) => !c.full() && !exclude?.has(c));
      return m ? this.lease(m, "queued") : null;
    };
    const since = performance.now();
    const waiting = this.queue.wait(take, opts.signal, opts.onQueued, opts.party);
    // Its servers may have room although others are waiting (for other servers): it need not wait.
    this.queue.drain();
    const told = this.opts.onQueueWait;
    if (!told) return waiting;
    return waiting.then((lease) => {
      told(performance.now() - since);
      return lease;
    });
  }

  private lease(member: Member, reason: string): Lease {
    member.inFlight++;
    member.breaker.sending(Date.now());
    let done = false;
    return {
      member,
      reason,
      release: () => {
        if (done) return;
        done = true;
        member.inFlight--;
        this.queue.drain();
      },
    };
  }

  /** Reads a server's models again now (after a pull, delete, create or copy through the proxy). */
  refresh(member: Member): Promise<boolean> {
    return refreshMember(member, this.opts.current().healthTimeoutMs).finally(() => this.queue.drain());
  }

  pollAll(): Promise<unknown> {
    return Promise.all(this.list.map((m) => this.refresh(m)));
  }

  /** Starts the interval reads; a fleet of one has nothing to choose between and is not polled. */
  start(): Promise<unknown> {
    if (this.stopped || this.timer) return Promise.resolve();
    const tick = () => {
      if (this.stopped) return;
      const read = this.many ? this.pollAll() : Promise.resolve();
      void read.finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(tick, this.opts.current().fleetPollMs);
        this.timer.unref?.();
      });
    };
    const first = this.many ? this.pollAll() : Promise.resolve();
    this.timer = setTimeout(tick, this.opts.current().fleetPollMs);
    this.timer.unref?.();
    return first;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
