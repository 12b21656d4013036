// How long the client connection may stay silent while a request runs (Bun's per-request timeout).

/**
 * Bun checks its timers on a 4 s tick, and its fetch's idle timer fires up to 8 s late: the client
 * side waits this much longer than the upstream side, so a silent upstream is always cut by the
 * proxy (which can still send an error frame) and never by Bun resetting the client's socket.
 */
const CLIENT_TIMEOUT_MARGIN_SECONDS = 15;
/** Bun takes at most 255 s; rather than cut before the upstream does, a longer limit means none. */
const MAX_BUN_TIMEOUT_SECONDS = 255;

/** The client connection's timeout while a request runs: outlasts the upstream's, 0 when that is off. */
export function requestTimeoutSeconds(upstreamIdleTimeoutSeconds: number): number {
  if (upstreamIdleTimeoutSeconds === 0) return 0;
  const seconds = upstreamIdleTimeoutSeconds + CLIENT_TIMEOUT_MARGIN_SECONDS;
  return seconds > MAX_BUN_TIMEOUT_SECONDS ? 0 : seconds;
}
