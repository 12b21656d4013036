// Recognises the error a fetch, stream or signal-aware call throws when its request was cancelled.

/** True for an AbortError: the client went away (or a caller gave up), not a failure to report. */
export function isAbortError(err: unknown): boolean {
  return !!err && typeof err === "object" && (err as { name?: unknown }).name === "AbortError";
}
