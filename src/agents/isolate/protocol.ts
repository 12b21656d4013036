// The messages between an agent's worker and the proxy: one agent file per worker, many sessions each.
import type { AgentRequest, AnswerPiece } from "../types.ts";

/** What a worker reports about the module it imported: data only, so it crosses the thread boundary. */
export type LoadReport =
  | { exported: "none" }
  /** A default export that is not an object (a string, a function…), as plain data. */
  | { exported: "other"; other: unknown }
  | {
      exported: "object";
      /** The export's `manifest` and `settings`, copied as JSON (functions and cycles dropped). */
      manifest: unknown;
      settings: unknown;
      /** `typeof` each hook field, so the proxy validates the shape without seeing the functions. */
      hooks: { onRequest: string; transformResponse: string; run: string };
    };

/** An error as it crosses threads; `proxy` marks a ProxyError (its status and origin are kept). */
export interface WireError {
  message: string;
  name?: string;
  status?: number;
  origin?: "proxy" | "upstream";
  proxy?: boolean;
}

/** Opens a session on its first operation: one hook invocation (a request, a response, a takeover). */
export interface SessionOpen {
  hook: "onRequest" | "transformResponse" | "run";
  args: string[];
  input: string;
  request: AgentRequest;
  /** The client had already gone when the session opened. */
  aborted: boolean;
}

/**
 * An operation that wants a reply (`ok` or `err` with the same id). Every message is a flat object
 * of strings and numbers: Bun copies those between threads without its (much slower) structured
 * clone, so anything nested travels as JSON text. `open` is a SessionOpen, `texts` a string array.
 */
export type Operation =
  | { t: "request"; s: number; id: number; open: string }
  | { t: "chunk"; s: number; id: number; text: string; open?: string }
  | { t: "chunks"; s: number; id: number; texts: string; open?: string }
  | { t: "flush"; s: number; id: number; open?: string };

/** An operation as its caller gives it; the session table adds the session, call id and opening. */
export type OpBody = Operation extends infer O
  ? O extends Operation
    ? Omit<O, "s" | "id" | "open">
    : never
  : never;

export type ToWorker =
  /** `background`: the worker only checks the module (at low priority) and is ended afterwards. */
  | { t: "load"; path: string; dir: string; background: boolean }
  | { t: "settings"; values: Record<string, unknown> }
  | Operation
  /** Starts a takeover: the worker sends its pieces while it has credit (see STREAM_WINDOW). */
  | { t: "run"; s: number; open: string }
  | { t: "credit"; s: number; n: number }
  | { t: "abort"; s: number }
  | { t: "close"; s: number }
  | { t: "ping"; n: number }
  /** Answers to the agent's own model calls (`m` is the worker's call id). */
  | { t: "model-ok"; m: number; value?: AnswerPiece | string; done?: boolean }
  | { t: "model-err"; m: number; error: WireError };

export type FromWorker =
  | { t: "ready" }
  | { t: "loaded"; report: LoadReport }
  | { t: "load-failed"; error: string }
  /** A value that is not a string or number (an edited request, a batch's outputs) comes as `json`. */
  | { t: "ok"; id: number; value?: unknown; json?: string }
  | { t: "err"; id: number; error: WireError }
  /** A takeover's piece (a string as `value`, a piece with thinking as `json`), its end, its failure. */
  | { t: "piece"; s: number; value?: string; json?: string }
  | { t: "end"; s: number }
  | { t: "fail"; s: number; error: WireError }
  | { t: "log"; s: number; level: "debug" | "info" | "warn" | "error"; msg: string; fields?: unknown }
  /** `call` is a ModelCall as JSON. */
  | { t: "model"; s: number; m: number; call: string; mode: "stream" | "complete" }
  /** The agent read `n` more pieces of model call `m`: the proxy may send as many more. */
  | { t: "model-next"; m: number; n: number }
  | { t: "model-close"; m: number }
  /** `heap` is the worker's JavaScript heap in bytes. */
  | { t: "pong"; n: number; heap: number };
