// Awaits a slow promise while yielding progress events, so a streaming client can be told something.
import type { TurnEvent } from "./turn.ts";

export interface ProgressTiming {
  /** Silence tolerated before the first progress event; 0 = none at all. */
  afterMs: number;
  /** Interval between further progress events. */
  everyMs: number;
}

export async function* waitWithProgress<T>(
  work: Promise<T>,
  timing: ProgressTiming,
  describe: (elapsedMs: number) => string,
): AsyncGenerator<TurnEvent, T> {
  if (timing.afterMs <= 0) return await work;
  const started = performance.now();
  // The race below leaves `work` unobserved when the timer wins; its rejection is still surfaced by the
  // final await, so this copy only silences the "unhandled" warning for the abandoned branch.
  work.catch(() => {});
  const settled = work.then(
    () => "done" as const,
    () => "done" as const,
  );
  let delay = timing.afterMs;
  for (;;) {
    let timer: Timer | undefined;
    const tick = new Promise<"tick">((resolve) => {
      timer = setTimeout(() => resolve("tick"), delay);
    });
    const winner = await Promise.race([settled, tick]);
    clearTimeout(timer);
    if (winner === "done") return await work;
    yield { type: "progress", text: describe(performance.now() - started) };
    delay = timing.everyMs;
  }
}
