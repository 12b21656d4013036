// When a crashed agent worker is started again: at once, then after a second, then rarely.

/** Crashes in a row after which the agent is reported as failed and retried only now and then. */
export const STRIKES_TO_FAIL = 3;

/** The pause before restart number `strikes` (crashes in a row so far). */
export function restartDelayMs(strikes: number): number {
  if (strikes <= 1) return 0;
  if (strikes < STRIKES_TO_FAIL) return 1000;
  // 30 s, 60 s, 120 s… up to five minutes: a broken agent costs almost nothing while it waits.
  return Math.min(300_000, 30_000 * 2 ** (strikes - STRIKES_TO_FAIL));
}
