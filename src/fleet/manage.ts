// Model management across the fleet: which server a pull, show, push, delete, copy, blob upload or
// create goes to. Never failed over (each changes state); `?upstream=` / a body `upstream` names one.
import { ProxyError } from "../errors.ts";
import { modelKey } from "../models/names.ts";
import { onBodyEnd } from "./body-end.ts";
import { isHealthy } from "./choose.ts";
import type { Fleet } from "./fleet.ts";
import type { Member } from "./member.ts";

/** Blob digest → the server it was uploaded to, so the create that uses it goes there too. */
const MAX_PINS = 10_000;

export class Placement {
  private readonly pins = new Map<string, Member>();

  constructor(
    private readonly fleet: Fleet,
    private readonly pullTarget: () => string,
  ) {}

  /** The server a request names, or a clear 400 naming the ones there are. */
  named(name: string): Member {
    const m = this.fleet.byName(name);
    if (m && !m.removed) return m;
    const names = this.fleet
      .members()
      .map((x) => x.name)
      .join(", ");
    throw new ProxyError(400, `unknown upstream "${name}" (the fleet has: ${names})`);
  }

  /** Where a pull goes: the named server, else FLEET_PULL_TARGET, else the least loaded healthy one. */
  forPull(named: string | null): Member {
    if (named) return this.named(named);
    const target = this.pullTarget();
    const chosen = target ? this.fleet.byName(target) : undefined;
    if (chosen && !chosen.removed) return chosen;
    return this.leastLoaded();
  }

  leastLoaded(): Member {
    const now = Date.now();
    const live = this.fleet.members().filter((m) => !m.removed);
    const healthy = live.filter((m) => isHealthy(m, now));
    const pool = healthy.length ? healthy : live;
    // Fewest requests for its weight, then fewest models (room on disk), then the order given.
    return pool.reduce((best, m) =>
      m.load() < best.load() || (m.load() === best.load() && (m.models?.size ?? 0) < (best.models?.size ?? 0))
        ? m
        : best,
    );
  }

  /** Servers whose last list has the model (the first healthy one when nobody lists it). */
  holders(model: string): Member[] {
    const key = modelKey(model);
    const live = this.fleet.members().filter((m) => !m.removed);
    return live.filter((m) => m.has(key) !== false);
  }

  /** One server that has the model: show and push read from it. */
  holder(model: string): Member {
    const now = Date.now();
    const holders = this.holders(model);
    return holders.find((m) => isHealthy(m, now)) ?? holders[0] ?? this.leastLoaded();
  }

  /** The server a blob lives on (uploaded through the proxy), if known. */
  pinned(digest: string): Member | undefined {
    const m = this.pins.get(digest);
    return m && !m.removed ? m : undefined;
  }

  pin(digest: string, member: Member): void {
    this.pins.delete(digest);
    this.pins.set(digest, member);
    if (this.pins.size > MAX_PINS) {
      const oldest = this.pins.keys().next();
      if (!oldest.done) this.pins.delete(oldest.value);
    }
  }

  /** A create goes where its blobs are, else where its `from` model is, else by the pull policy. */
  forCreate(body: Record<string, unknown> | null): Member {
    const files = body?.files && typeof body.files === "object" ? Object.values(body.files) : [];
    const adapters = body?.adapters && typeof body.adapters === "object" ? Object.values(body.adapters) : [];
    for (const digest of [...files, ...adapters]) {
      const m = typeof digest === "string" ? this.pinned(digest) : undefined;
      if (m) return m;
    }
    if (typeof body?.from === "string" && body.from) return this.holder(body.from);
    return this.forPull(null);
  }

  /** After a change the proxy saw (pull, create, delete, copy), the server's lists are read again. */
  refreshAfter(res: Response, member: Member, onEnd?: () => void): Response {
    return onBodyEnd(res, () => {
      onEnd?.();
      void this.fleet.refresh(member);
    });
  }
}
