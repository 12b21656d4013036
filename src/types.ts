// Types shared by the Hono app, its middleware and its features.
import type { Logger } from "./log.ts";

/** What the proxy knows about one request while it is served; the access log line is made from it. */
export interface RequestInfo {
  id: string;
  method: string;
  path: string;
  startedAt: number;
  logger: Logger;
  model?: string;
  /** Agents activated by slash commands, in chain order. */
  agents?: string[];
  /** True once a feature hands the body to the stream meter; the meter writes the log line at the end. */
  streamed: boolean;
  status?: number;
  bytes?: number;
  ttfbMs?: number;
  outcome?: "ok" | "upstream_error" | "cancelled" | "error";
  error?: string;
  /** Writes the access line and records metrics; called exactly once per request. */
  finish(status: number): void;
}

/**
 * Under Bun.serve the second argument of `fetch` (Hono's `c.env`) is the Server; only the part the
 * proxy uses is described, so apps built in tests without a server still type-check.
 */
export interface ServerBindings {
  timeout?: (req: Request, seconds: number) => void;
  requestIP?: (req: Request) => { address: string } | null;
}

export interface AppEnv {
  Bindings: ServerBindings;
  Variables: { info: RequestInfo };
}
