// Types shared by the Hono app, its middleware and its features.
import type { ProxyError } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { CallFact, HookFact, RequestProbe } from "./observe/probe.ts";
import type { TurnAccess } from "./pipeline/turn.ts";

/** What every part of a request may read about it; made once by the request-context middleware. */
export interface RequestScope {
  readonly id: string;
  readonly startedAt: number;
  /** The path under the base path, worked out once for the record, the span and error frames. */
  readonly route: string;
  /** Bound to the request id: every line about this request carries it. */
  readonly logger: Logger;
  /**
   * Runs `fn` once the answer is over (its last byte handed to Bun, or the client gone) with the
   * request's record: the one account of the request every reader of it shares.
   */
  readonly onEnd: (fn: (record: AccessRecord) => void) => void;
  /** Where the pipeline reports tokens, timings, hooks and upstream calls for the record. */
  readonly probe: RequestProbe;
}

export type Outcome = "ok" | "upstream_error" | "cancelled" | "error";

/** Which client dialect a route speaks (from its path). */
export type Dialect = "ollama" | "openai" | "anthropic" | "proxy";

/**
 * The request record: one per request, assembled once by the request-context middleware from the
 * facts routes and the pipeline reported. The access line, the metrics, the request's span and the
 * event stream all read it. Times in milliseconds.
 */
export interface AccessRecord {
  id: string;
  /** Date.now() when the request arrived. */
  startedAt: number;
  method: string;
  /** Path under the base path. */
  route: string;
  path: string;
  dialect: Dialect;
  status: number;
  outcome: Outcome;
  error?: string;
  /** The model the answer came from (after aliases, the default model and agents). */
  model?: string;
  /** The name the client asked for, when it differs from `model`. */
  requestedModel?: string;
  agents?: readonly string[];
  /** GenAI operation of the turn: chat or text_completion (absent outside chat routes). */
  operation?: "chat" | "text_completion";
  /** Whether the answer was streamed to the client. */
  stream?: boolean;
  inputTokens?: number;
  outputTokens?: number;
  finishReason?: string;
  durationMs: number;
  ttfbMs?: number;
  /** Time to the first token of the answer (streamed answers). */
  ttftMs?: number;
  /** Ollama's own load_duration and eval_duration of the answer. */
  loadMs?: number;
  evalMs?: number;
  bytes?: number;
  /** Agent hooks that ran, with the time spent in them. */
  hooks?: readonly HookFact[];
  /** Model calls the agents made themselves, with their counts. */
  agentCalls?: readonly CallFact[];
  /** The fleet server that answered (X-Upstream). */
  upstream?: string;
  /** A read the dashboard made by itself (`x-dashboard: 1` on a GET): its access line is at debug. */
  dashboard?: true;
  /** Filled by API keys once they exist: the key's name, never its secret. */
  key?: string;
  /** Filled by presets once they exist. */
  preset?: string;
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
    /** The name the client asked for, before aliases and defaults. */
    requestedModel: string | undefined;
    /** Agents activated by slash commands, in chain order. */
    agents: readonly string[] | undefined;
    /** The request body as body-intake read it, until a route takes it (http/request-body.ts). */
    bodyBytes: Uint8Array | undefined;
    /** A failure a streamed answer reported in-band (the status line had gone out as 200). */
    streamError: ProxyError | undefined;
    /** With AUTH=keys: the client's key's rights (set by src/auth/middleware.ts). */
    access: TurnAccess | undefined;
    /** The fleet server chosen for the request (src/fleet), for X-Upstream and the access line. */
    upstream: string | undefined;
    /** Aborts when an operator cancels the request (src/middleware/running-requests.ts): its reason is the error. */
    cancelled: AbortSignal | undefined;
    /** Aborts when the client leaves or the request is cancelled; read with http/request-body.ts requestSignal. */
    signal: AbortSignal | undefined;
  };
}
