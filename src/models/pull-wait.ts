// Waits on a pull for one request, yielding rate-limited progress texts (`pulling llama3.2 42%`).

import type { PullJob, PullOutcome } from "./pull-job.ts";
import type { PullLease } from "./pull-manager.ts";

export interface PullWaitTiming {
  /** Silence before the first text unless layers are already downloading; 0 = never any text. */
  firstAfterMs: number;
  /** A text repeats this often when nothing changed, so clients and middleboxes see life. */
  heartbeatMs: number;
  /** Least time between two texts, however fast the percent moves. */
  minGapMs: number;
}

/** What a waiting client is told: the percent while layers download, else Ollama's own phase. */
export function progressText(label: string, job: PullJob): string {
  const percent = job.percent;
  if (percent !== null && job.status.startsWith("pulling ")) return `pulling ${label} ${percent}%`;
  return job.status === "starting" ? `pulling ${label}` : `pulling ${label}: ${job.status}`;
}

function abortError(): DOMException {
  return new DOMException("The client went away while waiting for the pull", "AbortError");
}

/**
 * Yields when the text changes (a new percent or phase, at most once per `minGapMs`) or after
 * `heartbeatMs` without one; never per upstream line. The texts are only read when the consumer asks, so a fast pull coalesces. The lease
 * is left on every exit, including the client's disconnect (which never cancels the pull itself).
 */
export async function* waitForPull(
  lease: PullLease,
  label: string,
  signal: AbortSignal,
  timing: PullWaitTiming,
): AsyncGenerator<string, PullOutcome> {
  const { job } = lease;
  const started = performance.now();
  let lastText = "";
  let lastAt = started;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
  });
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) throw abortError();
      if (job.outcome) return job.outcome;
      const now = performance.now();
      const showing = timing.firstAfterMs > 0 && (job.downloading || now - started >= timing.firstAfterMs);
      let wait = timing.firstAfterMs > 0 ? timing.firstAfterMs - (now - started) : Number.POSITIVE_INFINITY;
      if (showing) {
        const text = progressText(label, job);
        const since = now - lastAt;
        if ((text !== lastText && since >= timing.minGapMs) || since >= timing.heartbeatMs) {
          lastText = text;
          lastAt = now;
          yield text;
          continue;
        }
        wait = (text !== lastText ? timing.minGapMs : timing.heartbeatMs) - since;
      }
      await raceTimer(Promise.race([job.changed(), aborted]), wait);
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    lease.leave();
  }
}

async function raceTimer(work: Promise<void>, ms: number): Promise<void> {
  if (!Number.isFinite(ms)) return work;
  let timer: Timer | undefined;
  const tick = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(1, ms));
  });
  try {
    await Promise.race([work, tick]);
  } finally {
    clearTimeout(timer);
  }
}
