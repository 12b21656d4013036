// Which servers may answer a request for a model, best first: healthy ones that have it, where it is
// loaded first (warm-first), then the least busy for its limit and weight. Pure: no I/O, no clock.
import type { Member } from "./member.ts";

export interface Ranked {
  /** Healthy servers that have the model (or whose list is not read yet), best first. */
  healthy: Member[];
  /** The rest that could answer, tried only when no healthy one is left. */
  fallback: Member[];
  /** Why the first one was chosen, for the debug log. */
  reason: string;
}

export function rankMembers(
  members: readonly Member[],
  key: string,
  now: number,
  preferred?: string,
): Ranked {
  const holders: Member[] = [];
  const unknown: Member[] = [];
  for (const m of members) {
    if (m.removed) continue;
    const has = m.has(key);
    if (has) holders.push(m);
    else if (has === null) unknown.push(m);
  }
  // Nobody has it per the last lists: every server is a candidate, and Ollama's answer decides.
  const pool = holders.length ? [...holders, ...unknown] : members.filter((m) => !m.removed);
  const healthy: Member[] = [];
  const fallback: Member[] = [];
  for (const m of pool) (isHealthy(m, now) ? healthy : fallback).push(m);
  healthy.sort((a, b) => score(a, key, preferred) - score(b, key, preferred));
  fallback.sort((a, b) => a.breaker.openUntil - b.breaker.openUntil);
  const first = healthy[0];
  const reason = !first
    ? "no healthy server"
    : first.name === preferred && !first.full()
      ? "affinity"
      : first.isLoaded(key)
        ? "warm"
        : holders.length
          ? "least busy"
          : "no server lists the model";
  return { healthy, fallback, reason };
}

export function isHealthy(m: Member, now: number): boolean {
  return m.breaker.allows(now) && m.lastError === null;
}

/** Lower is better: affinity, then loaded, then load; a full server sorts after every free one. */
function score(m: Member, key: string, preferred?: string): number {
  if (m.full()) return 1e9 + m.load();
  if (preferred && m.name === preferred) return -2;
  return (m.isLoaded(key) ? 0 : 1e6) + m.load();
}
