// A small in-process event bus: the request record, pulls, model loads and agent reloads publish;
// GET /events subscribers read. Publishing never waits: each subscriber has a bounded queue and one
// that falls behind is dropped, so a slow reader cannot slow a request or grow memory.

export type ProxyEvent =
  | {
      type: "request.started";
      id: string;
      method: string;
      route: string;
      dialect: string;
      /** The dashboard's own read (x-dashboard: 1 on a GET). */
      dashboard?: true;
      at: string;
    }
  | { type: "request.finished"; record: Readonly<Record<string, unknown>> }
  | {
      type: "pull.progress";
      model: string;
      status: string;
      digest?: string;
      completed?: number;
      total?: number;
    }
  | {
      type: "pull.finished";
      model: string;
      outcome: "ok" | "error" | "cancelled";
      ms: number;
      error?: string;
    }
  | { type: "model.loaded"; model: string; loadMs?: number; requestId?: string }
  | { type: "model.unloaded"; model: string; requestId?: string }
  | { type: "agent.loaded"; name: string; file: string; loadMs: number }
  | { type: "agent.failed"; file: string; error: string }
  /** A worker ended (uncaught error, process.exit, no answer in time, memory) and is being restarted. */
  | {
      type: "agent.crashed";
      agent: string;
      file: string;
      reason: "error" | "exit" | "timeout" | "memory";
      error: string;
    }
  | { type: "agents.reloaded"; loaded: string[]; failed: number };

export interface Subscriber {
  /** Called with each event's SSE frame; returns false when the subscriber's queue is full. */
  offer(frame: string): boolean;
  /** Told once it has been dropped (queue full). */
  dropped(): void;
}

const encoder = new TextEncoder();

export class EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private seq = 0;

  constructor(private readonly onDropped: () => void = () => {}) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** Nothing is serialised while nobody listens: the cost on the request path is one size check. */
  publish(event: ProxyEvent): void {
    if (this.subscribers.size === 0) return;
    const frame = `id: ${++this.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const sub of this.subscribers) {
      if (sub.offer(frame)) continue;
      this.subscribers.delete(sub);
      this.onDropped();
      sub.dropped();
    }
  }

  /**
   * An SSE body for one subscriber: at most `maxQueued` events wait for it; past that it gets a
   * last `dropped` event and the body ends. `heartbeatMs` comments keep idle connections open.
   */
  stream(maxQueued: number, heartbeatMs = 5000): ReadableStream<Uint8Array> {
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const sub: Subscriber = {
      offer: (frame) => {
        if (queue.length >= maxQueued) return false;
        queue.push(frame);
        notify();
        return true;
      },
      dropped: () => {
        // The events that waited are let go at once; the body ends after one last frame, which
        // goes out whenever the reader makes room for it.
        queue.length = 0;
        leave();
        try {
          controller?.enqueue(
            encoder.encode(
              `event: dropped\ndata: {"reason":"read too slowly: ${maxQueued} events were waiting"}\n\n`,
            ),
          );
          controller?.close();
        } catch {
          // Already closed by the client.
        }
        controller = null;
        notify();
      },
    };
    const leave = () => {
      clearInterval(heartbeat);
      this.subscribers.delete(sub);
    };
    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
          this.subscribers.add(sub);
          c.enqueue(encoder.encode(": connected\n\n"));
          heartbeat = setInterval(() => {
            if (queue.length === 0) {
              queue.push(": keep-alive\n\n");
              notify();
            }
          }, heartbeatMs);
          heartbeat.unref?.();
        },
        pull: async (c) => {
          while (queue.length === 0 && controller) await new Promise<void>((r) => (wake = r));
          if (!controller) return;
          // Everything waiting goes out in one write.
          const text = queue.join("");
          queue.length = 0;
          c.enqueue(encoder.encode(text));
        },
        cancel: leave,
      },
      { highWaterMark: 0 },
    );
  }
}
