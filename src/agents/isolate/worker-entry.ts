// The entry of an agent's worker thread: imports one agent module and runs its hooks for the proxy.
// Whatever the agent does here (loop, exit, exhaust memory) ends at most this thread, never the server.
import { heapSize } from "bun:jsc";
import { deepFreeze } from "../deep-freeze.ts";
import { describeImportError } from "../import-error.ts";
import type { AgentDefinition, AgentRequest } from "../types.ts";
import { Inbox, STREAM_WINDOW } from "./inbox.ts";
import type { FromWorker, LoadReport, Operation, SessionOpen, ToWorker } from "./protocol.ts";
import { lowerThreadPriority } from "./thread-priority.ts";
import { plainCopy, toWire } from "./wire-error.ts";
import { type ModelReply, openSession, type WorkerSession } from "./worker-session.ts";

declare const self: Worker;

let definition: AgentDefinition | null = null;
let settings: Readonly<Record<string, unknown>> = Object.freeze({});
let defaults: Record<string, unknown> = {};
const sessions = new Map<number, WorkerSession>();
/** Replies to the agent's model calls, queued until it reads them. */
const modelInboxes = new Map<number, Inbox<ModelReply>>();

function post(msg: FromWorker): void {
  self.postMessage(msg);
}

/** Log lines with fields that cannot be cloned (functions, cycles) are sent as plain data instead. */
function send(msg: FromWorker): void {
  try {
    post(msg);
  } catch {
    if (msg.t === "log") post({ ...msg, fields: plainCopy(msg.fields) });
  }
}

// Code the agent leaves running outside its hooks (a stray timer, a forgotten promise) must not end
// the worker and, with it, every request the agent is serving.
process.on("uncaughtException", (err) => send(strayLog("uncaught exception in the agent", err)));
process.on("unhandledRejection", (err) => send(strayLog("unhandled rejection in the agent", err)));
const strayLog = (msg: string, err: unknown): FromWorker => ({
  t: "log",
  s: 0,
  level: "error",
  msg,
  fields: { error: err instanceof Error ? err.message : String(err) },
});

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.t) {
    case "ping":
      return post({ t: "pong", n: msg.n, heap: heapSize() });
    case "load":
      if (msg.background) lowerThreadPriority();
      return void load(msg.path, msg.dir);
    case "settings":
      settings = deepFreeze({ ...defaults, ...msg.values });
      return;
    case "abort":
      return sessions.get(msg.s)?.controller.abort();
    case "close": {
      const session = sessions.get(msg.s);
      sessions.delete(msg.s);
      session?.iterator?.return?.().catch(() => {});
      session?.wake?.();
      return;
    }
    case "run":
      return void pump(msg.s, msg.open);
    case "credit": {
      const session = sessions.get(msg.s);
      if (!session) return;
      session.credit = (session.credit ?? 0) + msg.n;
      return session.wake?.();
    }
    case "model-ok":
    case "model-err": {
      return modelInboxes.get(msg.m)?.push(msg);
    }
    default:
      return void operate(msg);
  }
};
post({ t: "ready" });

async function load(path: string, dir: string): Promise<void> {
  let value: unknown;
  try {
    value = ((await import(path)) as { default?: unknown }).default;
  } catch (err) {
    return post({ t: "load-failed", error: describeImportError(err, dir) });
  }
  const report = reportOf(value);
  if (report.exported === "object") {
    definition = value as AgentDefinition;
    defaults = { ...definition.settings };
    settings = deepFreeze({ ...defaults });
    // Frozen like an agent loaded in the proxy itself: hooks see the manifest they were loaded with.
    if (definition.manifest && typeof definition.manifest === "object") deepFreeze(definition.manifest);
    Object.freeze(definition);
  }
  post({ t: "loaded", report });
}

/** The default export as data: its manifest and settings copied, each hook's `typeof`. */
function reportOf(value: unknown): LoadReport {
  if (value === undefined) return { exported: "none" };
  if (!value || typeof value !== "object") {
    return { exported: "other", other: typeof value === "function" ? "[function]" : plainCopy(value) };
  }
  const v = value as Record<string, unknown>;
  return {
    exported: "object",
    manifest: plainCopy(v.manifest),
    settings: plainCopy(v.settings),
    hooks: {
      onRequest: typeof v.onRequest,
      transformResponse: typeof v.transformResponse,
      run: typeof v.run,
    },
  };
}

async function operate(op: Operation): Promise<void> {
  let session = sessions.get(op.s);
  try {
    if (!session) {
      if (!definition || !op.open) throw new Error("this request's agent session is over");
      session = open(op.s, JSON.parse(op.open) as SessionOpen);
    }
    switch (op.t) {
      case "request": {
        const request = session.request as AgentRequest;
        const returned = await session.hooks.onRequest?.(request);
        sessions.delete(op.s);
        // Edited in place and nothing returned: the edited copy is the answer.
        return replyJson(op.id, returned === undefined ? request : returned);
      }
      case "chunk":
        return reply(op.id, await session.transform?.chunk(op.text), "chunk");
      case "chunks": {
        const out: unknown[] = [];
        for (const text of JSON.parse(op.texts) as string[]) out.push(await session.transform?.chunk(text));
        return replyJson(op.id, out);
      }
      case "flush": {
        const held = session.transform?.flush ? await session.transform.flush() : "";
        sessions.delete(op.s);
        return reply(op.id, held, "flush");
      }
    }
  } catch (err) {
    sessions.delete(op.s);
    post({ t: "err", id: op.id, error: toWire(err) });
  }
}

/** A takeover: its pieces go out as the generator yields them, within the proxy's credit. */
async function pump(s: number, openJson: string): Promise<void> {
  try {
    if (!definition) throw new Error("the agent is not loaded");
    const session = open(s, JSON.parse(openJson) as SessionOpen);
    session.credit = STREAM_WINDOW;
    const iterator = session.iterator as AsyncIterator<unknown>;
    for (;;) {
      while ((session.credit ?? 0) <= 0 && sessions.has(s)) {
        await new Promise<void>((resolve) => {
          session.wake = resolve;
        });
      }
      if (!sessions.has(s)) return;
      const next = await iterator.next();
      if (!sessions.has(s)) return;
      if (next.done) {
        sessions.delete(s);
        return post({ t: "end", s });
      }
      session.credit = (session.credit ?? 0) - 1;
      if (typeof next.value === "string") post({ t: "piece", s, value: next.value });
      else post({ t: "piece", s, json: JSON.stringify(next.value ?? null) });
    }
  } catch (err) {
    sessions.delete(s);
    post({ t: "fail", s, error: toWire(err) });
  }
}

function open(s: number, info: SessionOpen): WorkerSession {
  const session = openSession(definition as AgentDefinition, info, {
    settings,
    log: (level, msg, fields) => send({ t: "log", s, level, msg, fields }),
    model: (m, call, mode) => post({ t: "model", s, m, call: JSON.stringify(call), mode }),
    modelNext: (m, n) => post({ t: "model-next", m, n }),
    modelClose: (m) => post({ t: "model-close", m }),
    modelInbox: (m) => {
      const inbox = new Inbox<ModelReply>();
      modelInboxes.set(m, inbox);
      return { next: () => inbox.next(), close: () => modelInboxes.delete(m) };
    },
  });
  sessions.set(s, session);
  return session;
}

/** A transform step's output: a string, as a rule; the proxy checks the type of anything else. */
function reply(id: number, value: unknown, call: "chunk" | "flush"): void {
  if (typeof value === "function" || typeof value === "symbol") {
    post({ t: "err", id, error: { message: `${call}() returned ${typeof value}, expected a string` } });
  } else if (value === null || typeof value !== "object") post({ t: "ok", id, value });
  else replyJson(id, value);
}

function replyJson(id: number, value: unknown): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    const error = { message: `returned a value that cannot be passed on (${(err as Error).message})` };
    post({ t: "err", id, error });
    return;
  }
  post(json === undefined ? { t: "ok", id } : { t: "ok", id, json });
}
