// Turns a failed fetch into a 502 whose message names the upstream and the cause.
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

// Kept here for the modules that already import it from this file; its home is src/abort.ts.
export { isAbortError } from "../abort.ts";
