// The one state machine that turns a turn's events into a response body, for every dialect: each
// event becomes zero or more bytes, a stream of bytes can take over the rest of the body (the
// upstream's own answer), and any failure ends the body with the dialect's error frame.

type Encoded = Uint8Array | null | ReadableStream<Uint8Array>;

export interface EventEncoder<E> {
  /** Bytes for one event; null sends nothing; a stream takes over the rest of the body as it is. */
  encode(event: E): Encoded | Promise<Encoded>;
  /** Bytes after the last event (SSE's `[DONE]`, a "stream ended early" frame), or null. */
  end(): Uint8Array | null;
  /** The final frame for a failure, in the dialect. */
  fail(err: unknown): Uint8Array;
  /** True once the encoder wrote its last frame: the body ends there. */
  readonly closed: boolean;
}

/** The first event `shown` accepts; the ones before it are dropped (progress a dialect hides). */
export async function nextShown<E>(
  events: AsyncIterator<E>,
  shown: (event: E) => boolean,
): Promise<E | undefined> {
  for (;;) {
    const next = await events.next();
    if (next.done) return undefined;
    if (shown(next.value)) return next.value;
  }
}

export function eventBody<E>(
  first: E | undefined,
  events: AsyncIterator<E>,
  encoder: EventEncoder<E>,
): ReadableStream<Uint8Array> {
  let pending = first;
  let handover: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Each pull must enqueue or close, else the reader waits forever: events that produce no
          // bytes (hidden progress, text an agent holds back) are followed by the next one.
          for (;;) {
            if (handover) {
              const { done, value } = await handover.read();
              if (done) controller.close();
              else controller.enqueue(value);
              return;
            }
            let event: E;
            if (pending !== undefined) {
              event = pending;
              pending = undefined;
            } else {
              const next = await events.next();
              if (next.done) {
                const tail = encoder.end();
                if (tail) controller.enqueue(tail);
                controller.close();
                return;
              }
              event = next.value;
            }
            let out = encoder.encode(event);
            if (out instanceof Promise) out = await out;
            if (out !== null && !(out instanceof Uint8Array)) {
              // (bun-types declares two ReadableStream types; the reader is the same object.)
              handover = out.getReader() as ReadableStreamDefaultReader<Uint8Array>;
              continue;
            }
            if (out) controller.enqueue(out);
            if (encoder.closed) {
              controller.close();
              await events.return?.(undefined);
              return;
            }
            if (out) return;
          }
        } catch (err) {
          controller.enqueue(encoder.fail(err));
          controller.close();
          await events.return?.(undefined)?.catch(() => {});
        }
      },
      async cancel(reason) {
        await handover?.cancel(reason).catch(() => {});
        await events.return?.(undefined)?.catch(() => {});
      },
    },
    // No read-ahead: backpressure from a slow client reaches the upstream.
    { highWaterMark: 0 },
  );
}
