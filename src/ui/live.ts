// The live figures every page reads: /metrics and /health polled, and GET /events (SSE) when the proxy has it.
import { ApiError, api, errorOf } from "./api.ts";
import { type Point, pointBetween, type Sample, sampleOf } from "./metrics.ts";
import { foldRequest, type RequestRow } from "./requests-log.ts";
import { type ProxyEvent, sseEvents } from "./sse.ts";

export type { ProxyEvent };

/** One server of the fleet as /health's `upstreams.servers` lists it. */
export interface FleetServer {
  name: string;
  url: string;
  state: "up" | "down" | "unknown";
  breaker: string;
  version: string | null;
  /** How many models it has installed; null before its first model list. */
  models: number | null;
  loaded: string[];
  inFlight: number;
  maxConcurrent: number | null;
  weight: number;
  latencyMs: number | null;
  checkedAt: string | null;
  error?: string;
}

export interface Health {
  status: string;
  version: string;
  uptimeSeconds: number;
  upstream: {
    url: string;
    reachable: boolean;
    version?: string | null;
    latencyMs?: number | null;
    error?: string | null;
  };
  agents?: { loaded: number; failed: number; loading: number };
  /** Lists are null when the upstream could not be asked. */
  models?: {
    present: string[] | null;
    loaded: Array<{ name: string }> | null;
    pulling: Array<{ model: string; percent?: number }> | null;
  };
  /** The fleet (absent from proxies before it): every server, and requests waiting for one with room. */
  upstreams?: { queued: number; servers: FleetServer[] };
}

export interface LiveState {
  points: Point[];
  last: Sample | null;
  health: Health | null;
  healthError: string | null;
  metricsError: string | null;
  /** null while unknown; false when the proxy has no /events (404): pages that need it say so. */
  events: boolean | null;
  /** Newest first; `seq` tells events apart (two may share a millisecond). */
  recent: Array<ProxyEvent & { seq: number }>;
  /** Requests seen on the event stream, one row each, newest first. */
  requests: RequestRow[];
  pollMs: number;
}

const POLL_KEY = "ollama-smart-proxy.pollMs";
export const POLL_CHOICES = [1000, 2000, 5000, 10_000];
/** Charts cover the session, up to its last hour. */
const KEEP_MS = 3_600_000;
const MAX_EVENTS = 500;

type Listener = () => void;

/** Only one of the offered intervals: a stored value from elsewhere never sets a faster pace. */
function savedPollMs(): number {
  const saved = Number(localStorage.getItem(POLL_KEY));
  return POLL_CHOICES.includes(saved) ? saved : 2000;
}

export function createLive() {
  let state: LiveState = {
    points: [],
    last: null,
    health: null,
    healthError: null,
    metricsError: null,
    events: null,
    recent: [],
    requests: [],
    pollMs: savedPollMs(),
  };
  let seq = 0;
  const listeners = new Set<Listener>();
  const eventListeners = new Set<(e: ProxyEvent) => void>();
  const update = (patch: Partial<LiveState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };

  async function pollMetrics() {
    // A tab nobody looks at reads nothing; the next reading's rate spans the gap.
    if (document.hidden) return;
    try {
      const res = await api("/metrics");
      if (!res.ok) throw await errorOf(res);
      const sample = sampleOf(await res.text(), Date.now(), state.events ? 2 : 1);
      const points = state.last ? [...state.points, pointBetween(state.last, sample)] : state.points;
      const kept = points.filter((p) => p.at > sample.at - KEEP_MS);
      update({ last: sample, points: kept, metricsError: null });
    } catch (err) {
      update({ metricsError: (err as Error).message });
    }
  }

  async function pollHealth() {
    if (document.hidden) return;
    try {
      const res = await api("/health");
      // 503 is /health saying the upstream is down, with the same body: shown, not treated as a failure.
      if (res.status !== 200 && res.status !== 503) throw await errorOf(res);
      update({ health: (await res.json()) as Health, healthError: null });
    } catch (err) {
      update({ health: null, healthError: `the proxy does not answer /health: ${(err as Error).message}` });
    }
  }

  async function followEvents() {
    for (;;) {
      try {
        const res = await api("/events", { headers: { accept: "text/event-stream" } });
        if (res.status === 404) return update({ events: false });
        if (!res.ok || !res.body) throw await errorOf(res);
        update({ events: true });
        for await (const e of sseEvents(res.body)) {
          if (e.type.startsWith("request.")) update({ requests: foldRequest(state.requests, e, MAX_EVENTS) });
          else update({ recent: [{ ...e, seq: ++seq }, ...state.recent].slice(0, MAX_EVENTS) });
          for (const l of eventListeners) l(e);
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return;
      }
      await new Promise((r) => setTimeout(r, 5000));
    }
  }

  let timers: ReturnType<typeof setInterval>[] = [];
  const schedule = () => {
    for (const t of timers) clearInterval(t);
    timers = [setInterval(pollMetrics, state.pollMs), setInterval(pollHealth, Math.max(2000, state.pollMs))];
  };
  let started = false;
  return {
    start() {
      if (started) return;
      started = true;
      void pollMetrics();
      void pollHealth();
      void followEvents();
      schedule();
    },
    /** How often /metrics is read, remembered for the next visit. */
    setPollMs(ms: number) {
      localStorage.setItem(POLL_KEY, String(ms));
      update({ pollMs: ms });
      schedule();
    },
    subscribe(l: Listener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** Each event as it arrives (the models page refreshes on pull and load events). */
    onEvent(l: (e: ProxyEvent) => void) {
      eventListeners.add(l);
      return () => eventListeners.delete(l);
    },
    state: () => state,
  };
}

export type Live = ReturnType<typeof createLive>;
