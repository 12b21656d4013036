// The calls in flight to one agent worker: each hook invocation is a session, each operation a
// pending reply; the agent's log lines and model calls are routed back to the request they serve.
import type { Logger } from "../../log.ts";
import { type AgentError, agentTimeout } from "../errors.ts";
import type { AgentContext } from "../types.ts";
import type { Inbox } from "./inbox.ts";
import { ModelRelays } from "./model-relay.ts";
import type { FromWorker, OpBody, Operation, SessionOpen, ToWorker } from "./protocol.ts";
import { fromWire } from "./wire-error.ts";

/** What a takeover's reader receives: a piece, the end, or why it failed. */
export type RunEvent = { piece: unknown } | { end: true } | { error: Error };

export type OkReply = Extract<FromWorker, { t: "ok" }>;

/** The value an `ok` reply carries, whichever way it travelled. */
export function replyValue(reply: OkReply): unknown {
  return reply.json === undefined ? reply.value : JSON.parse(reply.json);
}

let sessionIds = 0;

/** One hook invocation of one request, as the proxy sees it. */
export class HostSession {
  readonly id = ++sessionIds;
  /** The worker generation it runs on, once its first operation was sent. */
  generation: number | null = null;
  /** Why it can no longer be used (its worker crashed, a call timed out). */
  dead: Error | null = null;
  done = false;
  onAbort: (() => void) | null = null;
  /** A takeover's pieces as the worker sends them (null for the other hooks). */
  inbox: Inbox<RunEvent> | null = null;

  constructor(
    /** The request's context in the proxy: its logger, abort signal and model client. */
    readonly ctx: AgentContext,
    readonly open: Omit<SessionOpen, "aborted">,
  ) {}
}

interface Pending {
  resolve(reply: OkReply): void;
  reject(err: unknown): void;
  session: HostSession;
  t: Operation["t"];
  at: number;
  limitMs: number | null;
}

export interface TableLinks {
  post(msg: ToWorker): void;
  agent(): string;
  logger(): Logger;
  /** A session finished well: the agent works (its crash count starts again). */
  completed(): void;
  /** Nothing is in flight any more. */
  idle(): void;
}

export class SessionTable {
  private readonly sessions = new Map<number, HostSession>();
  private readonly pending = new Map<number, Pending>();
  private readonly models: ModelRelays;
  private ids = 0;

  constructor(private readonly links: TableLinks) {
    this.models = new ModelRelays((msg) => links.post(msg));
  }

  busy(): boolean {
    return this.pending.size > 0 || this.sessions.size > 0;
  }

  send(session: HostSession, op: OpBody, limitMs: number | null, generation: number): Promise<OkReply> {
    if (session.dead) return Promise.reject(session.dead);
    const id = ++this.ids;
    let msg: Operation;
    if (session.generation === null) {
      this.bind(session, generation);
      const open = JSON.stringify({ ...session.open, aborted: session.ctx.signal?.aborted === true });
      msg = { ...op, s: session.id, id, open } as Operation;
    } else msg = { ...op, s: session.id, id } as Operation;
    return new Promise<OkReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, session, t: op.t, at: performance.now(), limitMs });
      this.links.post(msg);
    });
  }

  /** Starts a takeover in the worker; its pieces arrive in `session.inbox`. */
  startRun(session: HostSession, generation: number): void {
    if (session.dead) {
      session.inbox?.push({ error: session.dead });
      return;
    }
    this.bind(session, generation);
    const open = JSON.stringify({ ...session.open, aborted: session.ctx.signal?.aborted === true });
    this.links.post({ t: "run", s: session.id, open });
  }

  /** The takeover's reader took `n` more pieces: the worker may send as many more. */
  credit(session: HostSession, n: number): void {
    if (!session.done) this.links.post({ t: "credit", s: session.id, n });
  }

  /** The proxy no longer needs `session` (a takeover stopped early, a response was dropped). */
  close(session: HostSession): void {
    if (session.done || session.generation === null) return;
    this.links.post({ t: "close", s: session.id });
    this.finish(session);
  }

  receive(msg: FromWorker): void {
    switch (msg.t) {
      case "ok": {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (p.t === "request" || p.t === "flush") {
          this.finish(p.session);
          this.links.completed();
        }
        p.resolve(msg);
        return;
      }
      case "err": {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        this.finish(p.session);
        p.reject(fromWire(msg.error));
        return;
      }
      case "piece": {
        const piece = msg.json === undefined ? msg.value : JSON.parse(msg.json);
        this.sessions.get(msg.s)?.inbox?.push({ piece });
        return;
      }
      case "end": {
        const session = this.sessions.get(msg.s);
        if (!session) return;
        this.finish(session);
        this.links.completed();
        session.inbox?.push({ end: true });
        return;
      }
      case "fail": {
        const session = this.sessions.get(msg.s);
        if (!session) return;
        this.finish(session);
        session.inbox?.push({ error: fromWire(msg.error) });
        return;
      }
      case "log": {
        const logger = this.sessions.get(msg.s)?.ctx.logger ?? this.links.logger();
        const fields = msg.fields && typeof msg.fields === "object" ? msg.fields : { value: msg.fields };
        logger[msg.level](msg.msg, fields as Record<string, unknown>);
        return;
      }
      case "model":
        this.models.start(msg, this.sessions.get(msg.s));
        return;
      case "model-next":
        this.models.credit(msg.m, msg.n);
        return;
      case "model-close":
        this.models.close(msg.m);
        return;
    }
  }

  /** Fails the calls that have waited longer than their limit, and ends their sessions. */
  expire(now: number, timeoutMs: number): void {
    for (const [id, p] of this.pending) {
      if (p.limitMs === null || now - p.at <= p.limitMs) continue;
      this.pending.delete(id);
      const err = agentTimeout(this.links.agent(), p.limitMs ?? timeoutMs);
      p.session.dead = err;
      // The hook may still be running: its signal tells it to give up.
      this.links.post({ t: "abort", s: p.session.id });
      this.close(p.session);
      p.reject(err);
    }
  }

  /** The worker is gone: every call in flight fails with `err`, and so does any later use of its sessions. */
  failAll(err: AgentError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const session of [...this.sessions.values()]) {
      session.dead = err;
      this.finish(session);
      session.inbox?.push({ error: err });
    }
    for (const p of pending) p.reject(err);
  }

  private bind(session: HostSession, generation: number): void {
    session.generation = generation;
    this.sessions.set(session.id, session);
    const signal = session.ctx.signal;
    if (!signal || signal.aborted) return;
    session.onAbort = () => this.links.post({ t: "abort", s: session.id });
    signal.addEventListener("abort", session.onAbort, { once: true });
  }

  private finish(session: HostSession): void {
    if (session.done) return;
    session.done = true;
    this.sessions.delete(session.id);
    if (session.onAbort) session.ctx.signal.removeEventListener("abort", session.onAbort);
    this.models.closeFor(session);
    if (!this.busy()) this.links.idle();
  }
}
