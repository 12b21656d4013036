// One inference request through the fleet: a server chosen per call, failover to the next candidate
// only while nothing reached the client (no connection, a 5xx or "server busy" before the body, no
// headers within FLEET_HEADERS_TIMEOUT_MS), and the lease held until the body is over.
import { isAbortError } from "../abort.ts";
import type { Config } from "../config/index.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { modelKey } from "../models/names.ts";
import type { RouteHint } from "../upstream/client.ts";
import type { Affinity } from "./affinity.ts";
import { onBodyEnd } from "./body-end.ts";
import type { Fleet } from "./fleet.ts";
import type { Member } from "./member.ts";

export interface RouteDeps {
  fleet: Fleet;
  affinity: Affinity;
  current: () => Config;
  logger: Logger;
}

/** Sends the request to one server; `signal` is the client's, bounded by the headers timeout. */
export type Send = (member: Member, signal: AbortSignal | undefined) => Promise<Response>;

interface Failed {
  upstream: string;
  status: number;
  headers: Headers;
  text: string;
}

export async function routed(
  deps: RouteDeps,
  hint: RouteHint,
  signal: AbortSignal | undefined,
  send: Send,
  /** False when the body is a stream that cannot be sent twice: one attempt only. */
  resendable: boolean,
): Promise<Response> {
  const { fleet, current } = deps;
  const config = current();
  const key = modelKey(hint.model);
  const affinityKey =
    config.fleetAffinity && fleet.many && hint.messages?.length
      ? deps.affinity.keyOf(key, hint.messages)
      : undefined;
  const preferred = affinityKey === undefined ? undefined : deps.affinity.get(affinityKey);
  const tried = new Set<Member>();
  let lastError: unknown = null;
  let lastFailed: Failed | null = null;
  const clientSignal = signal ?? new AbortController().signal;
  for (;;) {
    const got = fleet.acquire(key, {
      exclude: tried,
      signal: clientSignal,
      preferred,
      onQueued: hint.onQueued,
      party: hint.party,
    });
    if (got === null) break;
    const lease = got instanceof Promise ? await got : got;
    const { member } = lease;
    tried.add(member);
    if (fleet.many && deps.logger.enabled("debug"))
      deps.logger.debug("upstream chosen", {
        model: hint.model,
        upstream: member.name,
        reason: lease.reason,
        attempt: tried.size,
        inFlight: member.inFlight,
      });
    hint.onUpstream?.(member.name, member.client.baseUrl);
    let res: Response;
    try {
      res = await bounded(send, member, signal, config.fleetHeadersTimeoutMs);
    } catch (err) {
      lease.release();
      if (clientSignal.aborted || (isAbortError(err) && !(err instanceof HeadersTimeout))) throw err;
      member.breaker.failure(Date.now());
      lastError = err instanceof HeadersTimeout ? err.asProxyError(member) : err;
      if (!resendable || !fleet.many) throw lastError;
      deps.logger.warn("upstream failed before answering", failoverFields(member, hint, lastError));
      continue;
    }
    const retry = res.status >= 500 && resendable && fleet.many;
    if (res.status >= 500 && res.status !== 503) member.breaker.failure(Date.now());
    if (retry) {
      lastFailed = {
        upstream: member.name,
        status: res.status,
        headers: res.headers,
        text: await res.text().catch(() => ""),
      };
      lease.release();
      deps.logger.warn("upstream failed before answering", {
        ...failoverFields(member, hint, null),
        status: res.status,
      });
      continue;
    }
    if (res.status < 500) {
      member.breaker.success();
      member.lastError = null;
    }
    if (res.ok) {
      member.noteLoaded(hint.model);
      if (affinityKey !== undefined) deps.affinity.set(affinityKey, member.name);
    }
    res.headers.set("x-upstream", member.name);
    // A stream holds its server until it ends. A single object (`"stream": false`) is sent only once
    // it is complete, so its headers mean the server is done; and one server without a limit has
    // nothing to count: neither body is watched.
    if ((!fleet.many && member.spec.maxConcurrent === 0) || !isStream(res)) {
      lease.release();
      return res;
    }
    return onBodyEnd(res, lease.release);
  }
  if (lastFailed) {
    // Every candidate failed: the last one's answer, as it gave it.
    const headers = new Headers(lastFailed.headers);
    headers.delete("content-length");
    headers.set("x-upstream", lastFailed.upstream);
    return new Response(lastFailed.text, { status: lastFailed.status, headers });
  }
  throw lastError ?? new ProxyError(503, "no upstream is configured");
}

function failoverFields(member: Member, hint: RouteHint, err: unknown) {
  return {
    model: hint.model,
    upstream: member.name,
    error: err instanceof Error ? err.message : undefined,
    action: "trying the next upstream",
  };
}

class HeadersTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no response headers within ${ms} ms`);
  }
  asProxyError(member: Member): ProxyError {
    return new ProxyError(
      504,
      `upstream Ollama at ${member.client.baseUrl} sent no response headers within ${this.ms} ms (FLEET_HEADERS_TIMEOUT_MS)`,
      "upstream",
    );
  }
}

/** The send, given up after `ms` without response headers (0 = never: the send itself, not wrapped). */
function bounded(send: Send, member: Member, signal: AbortSignal | undefined, ms: number): Promise<Response> {
  return ms <= 0 ? send(member, signal) : boundedBy(send, member, signal, ms);
}

async function boundedBy(send: Send, member: Member, signal: AbortSignal | undefined, ms: number) {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new HeadersTimeout(ms)), ms);
  try {
    return await send(member, signal ? AbortSignal.any([signal, stop.signal]) : stop.signal);
  } catch (err) {
    if (stop.signal.aborted) throw stop.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** NDJSON (Ollama) or SSE (its OpenAI routes): a body that goes on after the headers. */
function isStream(res: Response): boolean {
  const type = res.headers.get("content-type") ?? "";
  return type.includes("ndjson") || type.includes("event-stream");
}
