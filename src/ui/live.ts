// The live figures every page reads: /metrics and /health polled, and GET /events (SSE) when the proxy has it.
import { ApiError, api, errorOf, getJson } from "./api.ts";
import { type Point, pointBetween, type Sample, sampleOf } from "./metrics.ts";

export interface Health {
  status: string;
  version: string;
  uptimeSeconds: number;
  upstream: { url: string; reachable: boolean; version?: string; latencyMs?: number; error?: string };
  agents?: { loaded: number; failed: number; loading: number };
}

/** One event of GET /events: its SSE event name and its JSON data. */
export interface ProxyEvent {
  type: string;
  data: Record<string, unknown>;
  at: number;
}

export interface LiveState {
  points: Point[];
  last: Sample | null;
  health: Health | null;
  healthError: string | null;
  metricsError: string | null;
  /** null while unknown; false when the proxy has no /events (404): pages that need it say so. */
  events: boolean | null;
  recent: ProxyEvent[];
}

const POLL_MS = 2000;
/** An hour of points at one every two seconds. */
const MAX_POINTS = 1800;
const MAX_EVENTS = 500;

type Listener = () => void;

export function createLive() {
  let state: LiveState = {
    points: [],
    last: null,
    health: null,
    healthError: null,
    metricsError: null,
    events: null,
    recent: [],
  };
  const listeners = new Set<Listener>();
  const eventListeners = new Set<(e: ProxyEvent) => void>();
  const update = (patch: Partial<LiveState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };

  async function pollMetrics() {
    try {
      const res = await api("/metrics");
      if (!res.ok) throw await errorOf(res);
      const sample = sampleOf(await res.text(), Date.now());
      const points = state.last ? [...state.points, pointBetween(state.last, sample)] : state.points;
      update({ last: sample, points: points.slice(-MAX_POINTS), metricsError: null });
    } catch (err) {
      update({ metricsError: (err as Error).message });
    }
  }

  async function pollHealth() {
    try {
      update({ health: await getJson<Health>("/health"), healthError: null });
    } catch (err) {
      // /health answers 503 with its body when the upstream is down: still worth showing.
      update({ health: null, healthError: (err as Error).message });
    }
  }

  async function followEvents() {
    for (;;) {
      try {
        const res = await api("/events", { headers: { accept: "text/event-stream" } });
        if (res.status === 404) return update({ events: false });
        if (!res.ok || !res.body) throw await errorOf(res);
        update({ events: true });
        for await (const e of sse(res.body)) {
          update({ recent: [e, ...state.recent].slice(0, MAX_EVENTS) });
          for (const l of eventListeners) l(e);
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return;
      }
      await new Promise((r) => setTimeout(r, 5000));
    }
  }

  let started = false;
  return {
    start() {
      if (started) return;
      started = true;
      void pollMetrics();
      void pollHealth();
      void followEvents();
      setInterval(pollMetrics, POLL_MS);
      setInterval(pollHealth, POLL_MS * 2);
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

/** Server-sent events read with fetch (EventSource cannot send an Authorization header). */
async function* sse(body: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<ProxyEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value.replaceAll("\r\n", "\n");
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = parseBlock(block);
      if (event) yield event;
      end = buffered.indexOf("\n\n");
    }
  }
}

function parseBlock(block: string): ProxyEvent | null {
  let type = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) type = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  if (!data.length) return null;
  try {
    const parsed = JSON.parse(data.join("\n")) as Record<string, unknown>;
    return { type: typeof parsed.type === "string" ? parsed.type : type, data: parsed, at: Date.now() };
  } catch {
    return { type, data: { text: data.join("\n") }, at: Date.now() };
  }
}

export type Live = ReturnType<typeof createLive>;
