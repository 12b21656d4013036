// Watches a busy agent worker: calls past their limit, a worker that stops answering (an endless
// loop), and one that outgrows its memory budget. Costs nothing while the agent is idle.
export interface WatchdogOptions {
  /** How long the worker may leave a ping unanswered (AGENT_TIMEOUT_MS). */
  timeoutMs: number;
  memoryLimitBytes: number;
  /** Whether anything is in flight; the watchdog stops ticking when not. */
  busy(): boolean;
  ping(n: number): void;
  /** Fails the calls that have run out of time. */
  expire(now: number): void;
  /** Ends the worker for `reason` ("timeout": it stopped answering, "memory": over its budget). */
  kill(kind: "timeout" | "memory", reason: string): void;
}

export class Watchdog {
  private timer: ReturnType<typeof setInterval> | undefined;
  private pingAt: number | null = null;
  private pings = 0;
  /**
   * The process's RSS when the worker last answered (sampled off the request path, at the first
   * ping): an unanswering worker that allocates shows up as growth since then.
   */
  private rssAtPong: number | null = null;
  private readonly tickMs: number;

  constructor(private readonly opts: WatchdogOptions) {
    this.tickMs = Math.min(250, Math.max(20, opts.timeoutMs / 4));
  }

  watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.pingAt = null;
    this.rssAtPong = null;
  }

  /** `heap`: the worker's JavaScript heap, in bytes. */
  pong(heap: number): void {
    this.pingAt = null;
    this.rssAtPong = process.memoryUsage.rss();
    if (heap > this.opts.memoryLimitBytes) this.opts.kill("memory", this.overBudget());
  }

  private tick(): void {
    const now = performance.now();
    this.opts.expire(now);
    if (this.pingAt !== null) {
      const silent = now - this.pingAt;
      if (silent > this.opts.timeoutMs) {
        this.opts.kill(
          "timeout",
          `it stopped responding for more than ${this.opts.timeoutMs} ms (a loop that never yields?)`,
        );
        return;
      }
      // A worker allocating inside a loop cannot answer with its heap size, and can exhaust the
      // machine long before the timeout: the process's growth since it last answered counts as its.
      const grown = process.memoryUsage.rss() - (this.rssAtPong ?? Number.POSITIVE_INFINITY);
      if (silent > 2 * this.tickMs && grown > this.opts.memoryLimitBytes)
        this.opts.kill("memory", this.overBudget());
      return;
    }
    if (!this.opts.busy()) {
      this.stop();
      return;
    }
    this.rssAtPong ??= process.memoryUsage.rss();
    this.pingAt = now;
    this.opts.ping(++this.pings);
  }

  private overBudget(): string {
    return `it used more than ${Math.round(this.opts.memoryLimitBytes / 1024 / 1024)} MB of memory`;
  }
}
