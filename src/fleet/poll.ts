// Reads what one server has and runs (/api/tags, /api/ps, /api/version): the active health check and
// the facts routing works from, so no request has to ask.
import { modelKey } from "../models/names.ts";
import type { PsResponse, RunningModel, TagEntry, TagsResponse } from "../wire/ollama.ts";
import type { Member } from "./member.ts";

/** One read of a member; one in flight per member however many callers (a pull and the timer). */
const running = new WeakMap<Member, Promise<boolean>>();

export function refreshMember(member: Member, timeoutMs: number): Promise<boolean> {
  let read = running.get(member);
  if (!read) {
    read = readMember(member, timeoutMs).finally(() => running.delete(member));
    running.set(member, read);
  }
  return read;
}

async function readMember(member: Member, timeoutMs: number): Promise<boolean> {
  const started = performance.now();
  const init = { timeoutMs, signal: AbortSignal.timeout(timeoutMs) };
  try {
    const [tags, ps, version] = await Promise.all([
      member.client.json<TagsResponse>("/api/tags", init),
      member.client.json<PsResponse>("/api/ps", init),
      member.client.json<{ version?: unknown }>("/api/version", init).catch(() => null),
    ]);
    member.models = byKey<TagEntry>(tags?.models ?? []);
    member.loaded = byKey<RunningModel>(ps?.models ?? []);
    if (typeof version?.version === "string") member.version = version.version;
    member.latencyMs = Math.round((performance.now() - started) * 10) / 10;
    member.checkedAt = Date.now();
    member.lastError = null;
    // A passing check closes the breaker once its backoff is over (it is the half-open probe).
    if (member.breaker.allows(Date.now())) member.breaker.success();
    return true;
  } catch (err) {
    member.checkedAt = Date.now();
    member.latencyMs = null;
    member.lastError =
      err instanceof Error && err.name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : err instanceof Error
          ? err.message
          : String(err);
    member.breaker.failure(Date.now());
    return false;
  }
}

function byKey<T extends TagEntry>(entries: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const e of entries) if (typeof e?.name === "string") out.set(modelKey(e.name), e);
  return out;
}
