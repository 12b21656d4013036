// Turns a failed fetch into a 502 whose message names the upstream and the cause.
import { isAbortError } from "../abort.ts";
import { ProxyError } from "../errors.ts";

const CAUSES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ConnectionRefused: "connection refused",
  ECONNRESET: "connection reset by the upstream",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "timed out",
  TimeoutError: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate is self-signed",
};

/** A short human cause for a network error (connection refused, timed out, ...). */
export function describeNetworkError(err: unknown): string {
  if (err && typeof err === "object") {
    const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === "string" && CAUSES[code]) return CAUSES[code];
    if (typeof name === "string" && CAUSES[name]) return CAUSES[name];
    if (typeof message === "string" && message) return message;
  }
  return String(err);
}

export function upstreamUnreachable(upstreamUrl: string, err: unknown): ProxyError {
  return new ProxyError(
    502,
    `upstream Ollama at ${upstreamUrl} is unreachable: ${describeNetworkError(err)}`,
    "upstream",
  );
}

/** Bun's fetch rejects with a TimeoutError when its idle timer (UPSTREAM_IDLE_TIMEOUT) fires. */
export function isTimeoutError(err: unknown): boolean {
  return !!err && typeof err === "object" && (err as { name?: unknown }).name === "TimeoutError";
}

/** The upstream said nothing for UPSTREAM_IDLE_TIMEOUT before its answer began: a gateway timeout. */
export function upstreamSilent(upstreamUrl: string, idleTimeoutMs: number): ProxyError {
  return new ProxyError(
    504,
    `upstream Ollama at ${upstreamUrl} sent nothing for ${idleTimeoutMs / 1000} s (UPSTREAM_IDLE_TIMEOUT) and was given up on`,
    "upstream",
  );
}

/**
 * What a failure while reading an upstream answer is reported as: the one wording of "the upstream
 * broke off" for every route. ProxyErrors and aborts (the client left) pass through unchanged.
 */
export function upstreamBrokeOff(upstreamUrl: string, cause: unknown): unknown {
  if (cause instanceof ProxyError || isAbortError(cause)) return cause;
  if (cause instanceof SyntaxError) {
    return new ProxyError(502, `upstream Ollama at ${upstreamUrl} sent a line that is not JSON`, "upstream");
  }
  if (isTimeoutError(cause)) {
    return new ProxyError(
      504,
      `upstream Ollama at ${upstreamUrl} went silent mid-answer for longer than UPSTREAM_IDLE_TIMEOUT allows: the response was cut short`,
      "upstream",
    );
  }
  return new ProxyError(
    502,
    `upstream Ollama at ${upstreamUrl} broke off the response: ${describeNetworkError(cause)}`,
    "upstream",
  );
}

/** A stream that ended without Ollama's final `done` object: never relayed as if it were complete. */
export function upstreamEndedEarly(upstreamUrl: string): ProxyError {
  return new ProxyError(
    502,
    `upstream Ollama at ${upstreamUrl} ended the stream without a final message`,
    "upstream",
  );
}
