// Types shared by the Hono app, its middleware and its features.
import type { ProxyError } from "./errors.ts";
import type { Logger } from "./log.ts";

/** What every part of a request may read about it; made once by the request-context middleware. */
export interface RequestScope {
  readonly id: string;
  readonly startedAt: number;
  /** Bound to the request id: every line about this request carries it. */
  readonly logger: Logger;
  /** Runs `fn` once the answer is over: its last byte handed to Bun, or the client gone. */
  readonly onEnd: (fn: () => void) => void;
}

export type Outcome = "ok" | "upstream_error" | "cancelled" | "error";

/** The access record: one per request, written once, read by the access line and the metrics. */
export interface AccessRecord {
  method: string;
  /** Path under the base path. */
  route: string;
  path: string;
  status: number;
  model?: string;
  agents?: readonly string[];
  /** The fleet server that answered (X-Upstream). */
  upstream?: string;
  durationMs: number;
  bytes?: number;
  ttfbMs?: number;
  outcome: Outcome;
  error?: string;
}

/**
 * Under Bun.serve the second argument of `fetch` (Hono's `c.env`) is the Server; only the part the
 * proxy uses is described, so apps built in tests without a server still type-check.
 */
export interface ServerBindings {
  timeout?: (req: Request, seconds: number) => void;
  requestIP?: (req: Request) => { address: string } | null;
}

/**
 * Facts a route reports for the access line, each set once (`c.set`) by the one stage that knows it;
 * the request-context middleware alone assembles the record from them.
 */
export interface AppEnv {
  Bindings: ServerBindings;
  Variables: {
    request: RequestScope;
    /** The model the request is about (resolved, when the route resolves names). */
    model: string | undefined;
    /** Agents activated by slash commands, in chain order. */
    agents: readonly string[] | undefined;
    /** The request body as body-intake read it, until a route takes it (http/request-body.ts). */
    bodyBytes: Uint8Array | undefined;
    /** A failure a streamed answer reported in-band (the status line had gone out as 200). */
    streamError: ProxyError | undefined;
    /** The fleet server chosen for the request (src/fleet), for X-Upstream and the access line. */
    upstream: string | undefined;
  };
}
