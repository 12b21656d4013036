// One upstream /api/pull, read to its end: progress state, line subscribers and a single outcome.

import { isAbortError } from "../abort.ts";
import { ProxyError } from "../errors.ts";
import { readNdjson } from "../streams/ndjson.ts";
import { type UpstreamClient, upstreamErrorMessage } from "../upstream/client.ts";
import { upstreamBrokeOff } from "../upstream/network-error.ts";
import type { PullLine } from "../wire/ollama.ts";

export type PullOutcome =
  | { ok: true }
  /** `status`: the upstream's HTTP status when it refused before streaming, else 500 like Ollama. */
  | { ok: false; cancelled: false; message: string; status: number; refused: boolean }
  | { ok: false; cancelled: true; message: string };

export interface PullRequest {
  /** The body sent upstream (`stream` is forced on): the client's own fields ride along. */
  body: Record<string, unknown>;
  headers?: Headers;
}

/** What a coordinator (several proxy replicas sharing one pull, src/fleet/shared-pulls.ts) works with. */
export interface PullSide {
  /** Runs the upstream pull from this process; at most once. */
  run(): Promise<PullOutcome>;
  /** Feeds a progress line seen elsewhere (another replica's pull) to this job's waiters. */
  record(line: PullLine): void;
  /** The latest line per status text, for sharing with other replicas. */
  replay(): PullLine[];
  subscribe(listener: (line: PullLine) => void): () => void;
  /** Aborted when this job is cancelled (nobody waits any more, or shutdown). */
  signal: AbortSignal;
}

export interface PullCoordinator {
  /** Decides whether this process pulls `model` (a model key) or follows a pull running elsewhere. */
  coordinate(model: string, side: PullSide): Promise<PullOutcome>;
}

/** Bounds on what one pull keeps: real pulls have a few phases and under twenty layers. */
const MAX_REPLAY = 256;
const MAX_STATUS = 1024;
const MAX_LAYERS = 1024;

export class PullJob {
  readonly startedAt = Date.now();
  /** Latest line per status text, in first-seen order: what a client joining late is shown first. */
  readonly replay = new Map<string, PullLine>();
  private readonly layers = new Map<string, { total: number; completed: number }>();
  private readonly listeners = new Set<(line: PullLine) => void>();
  private readonly abort = new AbortController();
  private wake = Promise.withResolvers<void>();
  status = "starting";
  outcome: PullOutcome | null = null;
  readonly done: Promise<PullOutcome>;

  constructor(
    readonly model: string,
    upstream: UpstreamClient,
    request: PullRequest,
    /** Shares the pull with other replicas (REDIS_URL); absent = this process pulls. */
    coordinator?: PullCoordinator,
    key = model,
  ) {
    let ran = false;
    const run = () => {
      if (ran) throw new Error("a pull job runs its upstream pull once");
      ran = true;
      return this.run(upstream, request);
    };
    const side: PullSide = {
      run,
      record: (line) => this.record(line),
      replay: () => [...this.replay.values()],
      subscribe: (listener) => this.subscribe(listener),
      signal: this.abort.signal,
    };
    const settled = coordinator ? coordinator.coordinate(key, side) : run();
    this.done = settled.then((outcome) => {
      this.outcome = outcome;
      this.wake.resolve();
      return outcome;
    });
  }

  /** True once layers are downloading, i.e. the registry has the model (errors after this are rare). */
  get downloading(): boolean {
    return this.layers.size > 0;
  }

  /** Bytes downloaded so far, over the layers seen. */
  get bytes(): number {
    let completed = 0;
    for (const layer of this.layers.values()) completed += layer.completed;
    return completed;
  }

  /** Overall percent over the layers seen so far, or null before the first layer. */
  get percent(): number | null {
    let total = 0;
    let completed = 0;
    for (const layer of this.layers.values()) {
      total += layer.total;
      completed += layer.completed;
    }
    return total > 0 ? Math.floor((completed / total) * 100) : null;
  }

  /** Resolves at the next progress line or at the end. */
  changed(): Promise<void> {
    return this.wake.promise;
  }

  subscribe(listener: (line: PullLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(reason: string): void {
    this.abort.abort(new DOMException(reason, "AbortError"));
  }

  private record(line: PullLine): void {
    if (typeof line.status === "string") {
      this.status = line.status;
      // Ollama's phases and layers are a handful of short texts; an upstream sending endless new
      // ones must not grow what every late joiner is replayed (live subscribers still get them all).
      if (
        this.replay.has(line.status) ||
        (this.replay.size < MAX_REPLAY && line.status.length <= MAX_STATUS)
      ) {
        this.replay.set(line.status, line);
      }
    }
    if (typeof line.digest === "string" && typeof line.total === "number") {
      if (this.layers.has(line.digest) || this.layers.size < MAX_LAYERS) {
        this.layers.set(line.digest, { total: line.total, completed: line.completed ?? 0 });
      }
    }
    for (const listener of this.listeners) listener(line);
    const woken = this.wake;
    this.wake = Promise.withResolvers<void>();
    woken.resolve();
  }

  private async run(upstream: UpstreamClient, request: PullRequest): Promise<PullOutcome> {
    const signal = this.abort.signal;
    let where = upstream.baseUrl;
    try {
      const headers = new Headers(request.headers);
      headers.set("content-type", "application/json");
      const res = await upstream.call("/api/pull", {
        method: "POST",
        headers,
        body: JSON.stringify({ ...request.body, stream: true }),
        signal,
      });
      if (!res.ok || !res.body) {
        const message = upstreamErrorMessage(await res.text(), res.status);
        return { ok: false, cancelled: false, message, status: res.status, refused: true };
      }
      // A fleet answers from one server: a failure below names that one, not the whole fleet.
      const served = res.headers.get("x-upstream");
      where = (served && upstream.urlOf?.(served)) || upstream.baseUrl;
      let success = false;
      for await (const line of readNdjson<PullLine>(res.body, { maxLineBytes: upstream.maxLineBytes })) {
        if (typeof line.error === "string") return this.failed(line.error);
        this.record(line);
        if (line.status === "success") success = true;
      }
      return success ? { ok: true } : this.failed(`upstream Ollama at ${where} ended the pull early`);
    } catch (err) {
      if (signal.aborted) return { ok: false, cancelled: true, message: String(signal.reason?.message) };
      if (isAbortError(err)) return { ok: false, cancelled: true, message: "pull stopped" };
      if (err instanceof ProxyError)
        return { ok: false, cancelled: false, message: err.message, status: err.status, refused: true };
      const broken = upstreamBrokeOff(where, err);
      return this.failed(broken instanceof Error ? broken.message : String(broken));
    }
  }

  private failed(message: string): PullOutcome {
    return { ok: false, cancelled: false, message, status: 500, refused: false };
  }
}
