// Pulls started from this tab: the streamed progress of POST /api/pull summed over layers, with rate and time left; cancel aborts the request.
import { ndjson, send } from "./api.ts";

export interface PullView {
  model: string;
  status: string;
  completed: number;
  total: number;
  /** Bytes per second over the last few seconds. */
  rate: number | null;
  state: "running" | "done" | "failed" | "cancelled";
  error?: string;
}

interface PullLine {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
}

const views = new Map<string, PullView>();
const aborts = new Map<string, AbortController>();
const listeners = new Set<() => void>();
let snapshot: PullView[] = [];

const changed = () => {
  snapshot = [...views.values()];
  for (const l of listeners) l();
};

export const pulls = {
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  list: () => snapshot,
  /** The proxy stops the upstream pull when nobody waits for it any more: aborting is cancelling. */
  cancel(model: string) {
    aborts.get(model)?.abort();
  },
  dismiss(model: string) {
    if (views.get(model)?.state !== "running") views.delete(model);
    changed();
  },
  async start(model: string, onFinished: () => void) {
    if (aborts.has(model)) return;
    const abort = new AbortController();
    aborts.set(model, abort);
    const layers = new Map<string, { total: number; completed: number }>();
    const samples: Array<{ at: number; completed: number }> = [];
    let view: PullView = { model, status: "starting", completed: 0, total: 0, rate: null, state: "running" };
    const set = (patch: Partial<PullView>) => {
      view = { ...view, ...patch };
      views.set(model, view);
      changed();
    };
    set({});
    try {
      const res = await send("POST", "/api/pull", { model, stream: true }, abort.signal);
      for await (const line of ndjson<PullLine>(res)) {
        if (line.digest && line.total)
          layers.set(line.digest, { total: line.total, completed: line.completed ?? 0 });
        const all = [...layers.values()];
        const completed = all.reduce((a, l) => a + l.completed, 0);
        const total = all.reduce((a, l) => a + l.total, 0);
        const now = performance.now();
        samples.push({ at: now, completed });
        while (samples.length > 2 && (samples[0]?.at ?? now) < now - 5000) samples.shift();
        const first = samples[0];
        const rate =
          first && now - first.at > 200
            ? ((completed - first.completed) / (now - first.at)) * 1000
            : view.rate;
        set({ status: line.status ?? view.status, completed, total, rate });
      }
      set({
        state: view.status === "success" ? "done" : "failed",
        error: view.status === "success" ? undefined : "the pull ended without success",
      });
    } catch (err) {
      if (abort.signal.aborted) set({ state: "cancelled", status: "cancelled" });
      else set({ state: "failed", error: (err as Error).message });
    } finally {
      aborts.delete(model);
      onFinished();
    }
  },
};
