// One server of the fleet: its client, limits, breaker, in-flight count and what it has and runs.

import type { UpstreamSpec } from "../config/upstreams.ts";
import { modelKey } from "../models/names.ts";
import { createUpstreamClient, type FetchLike, type UpstreamClient } from "../upstream/client.ts";
import { splitCredentials } from "../upstream/credentials.ts";
import type { RunningModel, TagEntry } from "../wire/ollama.ts";
import { Breaker, type BreakerTuning } from "./breaker.ts";

export interface MemberOptions {
  idleTimeoutMs: number;
  maxLineBytes?: number;
  fetch?: FetchLike;
  breaker: () => BreakerTuning;
}

export class Member {
  readonly name: string;
  readonly client: UpstreamClient;
  inFlight = 0;
  /** Installed models by key, null before the first successful read. */
  models: Map<string, TagEntry> | null = null;
  loaded = new Map<string, RunningModel>();
  version: string | null = null;
  checkedAt: number | null = null;
  latencyMs: number | null = null;
  lastError: string | null = null;
  /** Set once the config no longer lists it: it takes no new requests and finishes the old ones. */
  removed = false;
  readonly breaker: Breaker;

  constructor(
    public spec: UpstreamSpec,
    opts: MemberOptions,
    auth?: string | null,
  ) {
    this.name = spec.name;
    const address = splitCredentials(spec.url);
    this.client = createUpstreamClient({
      baseUrl: address.url,
      auth: auth ?? address.auth,
      idleTimeoutMs: opts.idleTimeoutMs,
      maxLineBytes: opts.maxLineBytes,
      fetch: opts.fetch,
    });
    this.breaker = new Breaker(opts.breaker);
  }

  /** True/false from the last model list; null when none was read yet (then anything may be there). */
  has(key: string): boolean | null {
    return this.models ? this.models.has(key) : null;
  }

  isLoaded(key: string): boolean {
    return this.loaded.has(key);
  }

  /** At its max-concurrent: new requests wait in the queue. */
  full(): boolean {
    return this.spec.maxConcurrent > 0 && this.inFlight >= this.spec.maxConcurrent;
  }

  /** Busy-ness relative to its limit and weight: lower is preferred. */
  load(): number {
    const base = this.spec.maxConcurrent > 0 ? this.inFlight / this.spec.maxConcurrent : this.inFlight;
    return base / this.spec.weight;
  }

  /** A request the proxy saw made the model present and loaded (before the next poll says so). */
  noteLoaded(model: string): void {
    const key = modelKey(model);
    if (this.models && !this.models.has(key)) this.models.set(key, { name: key, model: key });
    if (!this.loaded.has(key)) this.loaded.set(key, { name: key, model: key });
  }

  noteInstalled(model: string): void {
    const key = modelKey(model);
    if (this.models && !this.models.has(key)) this.models.set(key, { name: key, model: key });
  }
}
