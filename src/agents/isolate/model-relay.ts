// An agent's own model calls, made by the proxy (one upstream client, the request's abort signal)
// and relayed to its worker: a stream is sent a window ahead, within the credit the worker hands back.
import type { AgentContext, AnswerPiece } from "../types.ts";
import { STREAM_WINDOW } from "./inbox.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";
import { toWire } from "./wire-error.ts";

/** Whom a call belongs to: its request's model client, and whether that request is over. */
export interface CallOwner {
  ctx: AgentContext;
  done: boolean;
}

interface Relay {
  owner: CallOwner;
  iterator: AsyncIterator<AnswerPiece>;
  /** Pieces the worker is ready to take; it hands back what it has read. */
  credit: number;
  reading: boolean;
}

export class ModelRelays {
  private readonly relays = new Map<number, Relay>();

  constructor(private readonly post: (msg: ToWorker) => void) {}

  /** Model call `m` from the worker, for `owner` (undefined when its request is already over). */
  start(msg: Extract<FromWorker, { t: "model" }>, owner: CallOwner | undefined): void {
    const { m } = msg;
    if (!owner) {
      const error = { message: "the request this model call belongs to is over", name: "AbortError" };
      this.post({ t: "model-err", m, error });
      return;
    }
    const call = JSON.parse(msg.call);
    if (msg.mode === "complete") {
      owner.ctx.model.complete(call).then(
        (text) => !owner.done && this.post({ t: "model-ok", m, value: text }),
        (err) => !owner.done && this.post({ t: "model-err", m, error: toWire(err) }),
      );
      return;
    }
    const iterator = owner.ctx.model.stream(call)[Symbol.asyncIterator]();
    this.relays.set(m, { owner, iterator, credit: STREAM_WINDOW, reading: false });
    this.pull(m);
  }

  /** The worker read `n` more pieces of call `m`. */
  credit(m: number, n: number): void {
    const relay = this.relays.get(m);
    if (!relay) return;
    relay.credit += n;
    this.pull(m);
  }

  /** The agent stopped reading call `m` (or its request ended): the upstream call is stopped. */
  close(m: number): void {
    const relay = this.relays.get(m);
    this.relays.delete(m);
    relay?.iterator.return?.().catch(() => {});
  }

  closeFor(owner: CallOwner): void {
    for (const [m, relay] of this.relays) if (relay.owner === owner) this.close(m);
  }

  private pull(m: number): void {
    const relay = this.relays.get(m);
    if (!relay || relay.reading || relay.credit <= 0) return;
    relay.reading = true;
    relay.credit -= 1;
    relay.iterator.next().then(
      (next) => {
        relay.reading = false;
        if (this.relays.get(m) !== relay) return;
        if (next.done) {
          this.relays.delete(m);
          this.post({ t: "model-ok", m, done: true });
          return;
        }
        this.post({ t: "model-ok", m, value: next.value });
        this.pull(m);
      },
      (err) => {
        if (this.relays.get(m) !== relay) return;
        this.relays.delete(m);
        this.post({ t: "model-err", m, error: toWire(err) });
      },
    );
  }
}
