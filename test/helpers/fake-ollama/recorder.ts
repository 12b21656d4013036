// Records every request with its lifecycle (finished, aborted) and lets tests wait for one.
import type { RecordedRequest } from "./types.ts";

interface Counters {
  requests: RecordedRequest[];
  openRequests: number;
  peakOpenRequests: number;
}

/** One request's lifecycle: ends once, either by finishing or because the client went away. */
export class Lifecycle {
  finished = false;
  /** Set by streaming responses: the request ends when the stream does, not when the handler returns. */
  streaming = false;
  /** Also run when the request ends (the inference count). */
  readonly ended: Array<() => void> = [];

  constructor(
    readonly rec: RecordedRequest,
    readonly signal: AbortSignal,
    private readonly onEnd: () => void,
  ) {}

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.rec.endedAt = Date.now();
    for (const fn of this.ended) fn();
    this.onEnd();
  }

  /** The client disconnected; ignored once the response has been fully produced. */
  abort(): void {
    if (this.finished) return;
    this.rec.aborted = true;
    this.finish();
  }

  /** Sleeps unless the client goes away first; resolves false when it did. */
  async sleep(ms: number): Promise<boolean> {
    if (ms > 0 && !this.finished) {
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.signal.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        this.signal.addEventListener("abort", onAbort, { once: true });
      });
    }
    return !this.finished && !this.signal.aborted;
  }
}

export class Recorder {
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly counters: Counters) {}

  begin(req: Request, url: URL): Lifecycle {
    const rec: RecordedRequest = {
      id: this.nextId++,
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: Object.fromEntries(req.headers.entries()),
      body: undefined,
      startedAt: Date.now(),
      aborted: false,
    };
    const c = this.counters;
    c.requests.push(rec);
    c.openRequests++;
    c.peakOpenRequests = Math.max(c.peakOpenRequests, c.openRequests);
    const life = new Lifecycle(rec, req.signal, () => {
      c.openRequests--;
      this.notify();
    });
    req.signal.addEventListener("abort", () => life.abort(), { once: true });
    this.notify();
    return life;
  }

  /** Call after mutating a record (body parsed) so waiters re-check their predicates. */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 2000): Promise<RecordedRequest> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.counters.requests.find(pred);
        if (!hit) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake-ollama: no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }
}
