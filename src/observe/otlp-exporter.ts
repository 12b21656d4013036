// Ended spans on their way to the collector: a bounded queue, sent as OTLP/HTTP (JSON) in batches
// over Bun's fetch, outside any request's turn of the event loop. Nothing here can hold a request
// up: a full queue drops the span, a failed, refused or timed-out export drops its batch (both
// counted), and there is no retry (OTLP's retryable statuses are dropped as the rest).
import { batchFrame, encodeBatch, type SpanSource } from "./otlp-json.ts";
import type { SpanRecord } from "./span-record.ts";

export interface SpanExportOptions {
  url: string;
  headers: Readonly<Record<string, string>>;
  source: SpanSource;
  /** Spans waiting at most; more are dropped. */
  maxQueueSize: number;
  /** Spans per export at most; a full batch leaves at once. */
  batchSize: number;
  /** How long a span waits for its batch to fill before it leaves anyway. */
  delayMs: number;
  /** An export not answered by then is given up (its spans dropped). */
  timeoutMs: number;
  /** Exports under way at once; while they are, spans wait in the queue. */
  concurrency?: number;
  onDropped(spans: number): void;
  fetch?: typeof fetch;
}

export interface SpanExport {
  add(span: SpanRecord): void;
  /** Sends everything queued and waits for every export under way (each bounded by the timeout). */
  shutdown(): Promise<void>;
}

export function createSpanExport(opts: SpanExportOptions): SpanExport {
  const frame = batchFrame(opts.source);
  const headers = { ...opts.headers, "content-type": "application/json" };
  const send = opts.fetch ?? fetch;
  const concurrency = opts.concurrency ?? 4;
  let queue: SpanRecord[] = [];
  const underWay = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let soon = false;
  let stopped = false;

  const exportBatch = (spans: SpanRecord[]) => {
    const done = post(encodeBatch(frame, spans)).then((ok) => {
      if (!ok) opts.onDropped(spans.length);
      underWay.delete(done);
      if (!stopped) pump(false);
    });
    underWay.add(done);
  };
  async function post(body: string): Promise<boolean> {
    try {
      const res = await send(opts.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      // Read to its end, so the connection is kept for the next batch.
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }
  const take = (): SpanRecord[] => {
    if (queue.length <= opts.batchSize) {
      const all = queue;
      queue = [];
      return all;
    }
    return queue.splice(0, opts.batchSize);
  };
  /** Sends full batches while there is room (`partial`: the last one too); the rest waits for the timer. */
  function pump(partial: boolean): void {
    while (queue.length >= (partial ? 1 : opts.batchSize) && underWay.size < concurrency) exportBatch(take());
    if (queue.length > 0 && timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        pump(true);
      }, opts.delayMs);
      timer.unref?.();
    }
  }

  return {
    add(span) {
      if (stopped || queue.length >= opts.maxQueueSize) {
        opts.onDropped(1);
        return;
      }
      // A full batch leaves on the next turn of the event loop: its encoding and sending are
      // work of no request, so none waits for it.
      if (queue.push(span) >= opts.batchSize) {
        if (!soon) {
          soon = true;
          setImmediate(() => {
            soon = false;
            pump(false);
          });
        }
      } else if (timer === undefined) pump(false);
    },
    async shutdown() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      while (queue.length > 0) exportBatch(take());
      await Promise.all(underWay);
    },
  };
}
