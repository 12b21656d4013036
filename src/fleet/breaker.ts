// One upstream's circuit breaker: closed → open after N failures in a row, a backoff that doubles,
// then half-open (one probe request) → closed on success or open again for longer.
export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerTuning {
  failures: number;
  backoffMs: number;
}

const MAX_BACKOFF_MS = 60_000;

export class Breaker {
  state: BreakerState = "closed";
  failuresInRow = 0;
  openUntil = 0;
  private backoff = 0;

  constructor(private readonly tuning: () => BreakerTuning) {}

  /** Whether a request may go now; in half-open, the first caller becomes the probe. */
  allows(now: number): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open" && now >= this.openUntil) return true;
    return false;
  }

  /** A request is sent through an open breaker whose backoff is over: it is the half-open probe. */
  sending(now: number): void {
    if (this.state === "open" && now >= this.openUntil) this.state = "half-open";
  }

  success(): void {
    this.state = "closed";
    this.failuresInRow = 0;
    this.backoff = 0;
  }

  failure(now: number): void {
    this.failuresInRow++;
    const { failures, backoffMs } = this.tuning();
    if (this.state === "closed" && this.failuresInRow < failures) return;
    // Already open: requests that were in flight when it opened say nothing new about the server.
    if (this.state === "open" && now < this.openUntil) return;
    // A failed probe (or the Nth failure) opens it, each time for longer.
    this.backoff = this.backoff ? Math.min(this.backoff * 2, MAX_BACKOFF_MS) : backoffMs;
    this.state = "open";
    this.openUntil = now + this.backoff;
  }
}
