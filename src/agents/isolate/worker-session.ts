// One hook invocation inside an agent's worker: its context (settings, logger, abort signal, model).
import type {
  AgentContext,
  AgentDefinition,
  AgentLogger,
  AgentRequest,
  AnswerPiece,
  ModelCall,
  ModelClient,
  ResponseTransform,
} from "../types.ts";
import { STREAM_WINDOW } from "./inbox.ts";
import type { SessionOpen, WireError } from "./protocol.ts";
import { fromWire } from "./wire-error.ts";

export interface ModelReply {
  t: "model-ok" | "model-err";
  value?: AnswerPiece | string;
  done?: boolean;
  error?: WireError;
}

export interface WorkerSession {
  /** Aborted when the proxy says the client went away (or the hook ran out of time). */
  controller: AbortController;
  /** The request an `onRequest` session edits. */
  request?: AgentRequest;
  hooks: { onRequest?: (request: AgentRequest) => unknown };
  transform?: ResponseTransform;
  iterator?: AsyncIterator<unknown>;
  /** A takeover's pieces it may still send, and how its pump is woken when that grows. */
  credit?: number;
  wake?: () => void;
}

/** How a session reaches the proxy: the worker entry owns the message port. */
export interface SessionLinks {
  settings: Readonly<Record<string, unknown>>;
  log(level: keyof AgentLogger, msg: string, fields?: Record<string, unknown>): void;
  model(m: number, call: ModelCall, mode: "stream" | "complete"): void;
  modelNext(m: number, n: number): void;
  modelClose(m: number): void;
  /** The replies to model call `m`, in order; `close` forgets the ones not read. */
  modelInbox(m: number): { next(): Promise<ModelReply>; close(): void };
}

let modelCalls = 0;

/** Builds the context and calls the factory hooks; throws what the agent got wrong, in its words. */
export function openSession(def: AgentDefinition, info: SessionOpen, links: SessionLinks): WorkerSession {
  const controller = new AbortController();
  if (info.aborted) controller.abort();
  const ctx: AgentContext = {
    args: info.args,
    input: info.input,
    settings: links.settings,
    logger: {
      debug: (msg, fields) => links.log("debug", String(msg), fields),
      info: (msg, fields) => links.log("info", String(msg), fields),
      warn: (msg, fields) => links.log("warn", String(msg), fields),
      error: (msg, fields) => links.log("error", String(msg), fields),
    },
    signal: controller.signal,
    model: modelClient(links),
  };
  const session: WorkerSession = { controller, hooks: {} };
  if (info.hook === "onRequest") {
    const hook = def.onRequest;
    session.request = info.request;
    session.hooks.onRequest = (request) => hook?.call(def, request, ctx);
  } else if (info.hook === "transformResponse") {
    const transform = def.transformResponse?.call(def, { ...ctx, request: info.request });
    if (!transform || typeof transform.chunk !== "function") {
      throw new Error("transformResponse() must return an object with a chunk(text) method");
    }
    session.transform = transform;
  } else {
    const source = def.run?.call(def, info.request, ctx);
    if (!source || typeof source[Symbol.asyncIterator] !== "function") {
      throw new Error("run() must return an async iterable (write it as an async function*)");
    }
    session.iterator = source[Symbol.asyncIterator]();
  }
  return session;
}

/** ctx.model: the proxy makes the call (one upstream client, the request's signal) and relays it. */
function modelClient(links: SessionLinks): ModelClient {
  const answer = async (inbox: { next(): Promise<ModelReply> }): Promise<ModelReply> => {
    const reply = await inbox.next();
    if (reply.t === "model-err") throw fromWire(reply.error ?? { message: "model call failed" });
    return reply;
  };
  return {
    async *stream(call) {
      const m = ++modelCalls;
      const inbox = links.modelInbox(m);
      links.model(m, call, "stream");
      let finished = false;
      let read = 0;
      try {
        // The proxy sends pieces ahead within a window; what is read here is handed back as
        // credit, so the model is still read at the agent's pace.
        for (;;) {
          const reply = await answer(inbox);
          if (reply.done) break;
          if (++read >= STREAM_WINDOW / 2) {
            links.modelNext(m, read);
            read = 0;
          }
          yield reply.value as AnswerPiece;
        }
        finished = true;
      } catch (err) {
        finished = true;
        throw err;
      } finally {
        inbox.close();
        if (!finished) links.modelClose(m);
      }
    },
    async complete(call) {
      const m = ++modelCalls;
      const inbox = links.modelInbox(m);
      links.model(m, call, "complete");
      try {
        return String((await answer(inbox)).value ?? "");
      } finally {
        inbox.close();
      }
    },
  };
}
