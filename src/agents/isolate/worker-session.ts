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
}

/** How a session reaches the proxy: the worker entry owns the message port. */
export interface SessionLinks {
  settings: Readonly<Record<string, unknown>>;
  log(level: keyof AgentLogger, msg: string, fields?: Record<string, unknown>): void;
  model(m: number, call: ModelCall, mode: "stream" | "complete"): void;
  modelNext(m: number): void;
  modelClose(m: number): void;
  expectModel(m: number): Promise<ModelReply>;
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
  const answer = async (m: number): Promise<ModelReply> => {
    const reply = await links.expectModel(m);
    if (reply.t === "model-err") throw fromWire(reply.error ?? { message: "model call failed" });
    return reply;
  };
  return {
    async *stream(call) {
      const m = ++modelCalls;
      const first = answer(m);
      links.model(m, call, "stream");
      let finished = false;
      try {
        let reply = await first;
        // One piece per request for the next: the model is read at the pace the agent reads it.
        while (!reply.done) {
          yield reply.value as AnswerPiece;
          const next = answer(m);
          links.modelNext(m);
          reply = await next;
        }
        finished = true;
      } catch (err) {
        finished = true;
        throw err;
      } finally {
        if (!finished) links.modelClose(m);
      }
    },
    async complete(call) {
      const m = ++modelCalls;
      const reply = answer(m);
      links.model(m, call, "complete");
      return String((await reply).value ?? "");
    },
  };
}
