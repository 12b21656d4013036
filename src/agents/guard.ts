// Runs one agent hook under the agent timeout, turning anything it throws into an AgentError.
import { isAbortError } from "../abort.ts";
import { agentFailure, agentTimeout } from "./errors.ts";

/**
 * Calls `hook`; a synchronous result is returned as is (no timer on the per-token hot path: a
 * synchronous hook cannot be interrupted anyway), a promise is raced against `timeoutMs`.
 */
export async function guarded<T>(agent: string, timeoutMs: number, hook: () => T | Promise<T>): Promise<T> {
  let result: T | Promise<T>;
  try {
    result = hook();
  } catch (err) {
    throw wrap(agent, err);
  }
  if (!isThenable(result)) return result;
  // The hook keeps running after a timeout; Promise.race has subscribed to it, so a late failure
  // is handled (silently) rather than becoming an unhandled rejection.
  const work = Promise.resolve(result);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(agentTimeout(agent, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    throw wrap(agent, err);
  } finally {
    clearTimeout(timer);
  }
}

/** Aborts pass through untouched so the pipeline still sees a cancelled request, not a failure. */
export function wrap(agent: string, err: unknown): unknown {
  return isAbortError(err) ? err : agentFailure(agent, err);
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return !!value && typeof (value as { then?: unknown }).then === "function";
}
