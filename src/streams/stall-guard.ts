// Passes a request body through unchanged, failing it when the client pauses too long mid-body.

/**
 * The same bytes as `source`; a read that waits longer than `ms` for the sender errors the stream
 * with `stalled()`'s error and cancels `source`. Only time spent waiting on the sender counts: while
 * nobody reads (an upstream taking a blob upload slowly) the clock is stopped. One timer per body,
 * re-armed on each read, so a multi-gigabyte upload costs no more than a small JSON one per chunk.
 */
export function stallGuard(
  source: ReadableStream<Uint8Array>,
  ms: number,
  stalled: () => Error,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let waiting = false;
  let failed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armed = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onTimer = () => {
    armed = false;
    if (!waiting || failed) return;
    failed = true;
    const err = stalled();
    controller.error(err);
    reader.cancel(err).catch(() => {});
  };
  const arm = () => {
    if (armed && timer) timer.refresh();
    else timer = setTimeout(onTimer, ms);
    armed = true;
  };
  const disarm = () => {
    clearTimeout(timer);
    armed = false;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        waiting = true;
        arm();
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          waiting = false;
          disarm();
          if (!failed) c.error(err);
          return;
        }
        waiting = false;
        if (failed) return;
        if (chunk.done) {
          disarm();
          c.close();
          return;
        }
        c.enqueue(chunk.value);
      },
      cancel(reason) {
        disarm();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
