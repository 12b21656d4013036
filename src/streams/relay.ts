// Relays a response body chunk by chunk, noting the first byte, counting bytes and never letting an
// upstream failure, a truncated stream or the proxy's own stop look like a finished stream.
import { LastLineKeeper } from "./last-line.ts";

export interface RelayHooks {
  /**
   * Bytes that tell the client in its own dialect that the stream failed; null errors the stream
   * instead. `after` is the last chunk already sent (so a frame can start on a line of its own).
   */
  errorFrame?: (err: unknown, after: Uint8Array | undefined) => Uint8Array | null;
  onFirstChunk?: () => void;
  onEnd?: (result: RelayResult) => void;
  /**
   * For bodies with a known last line (native NDJSON streams): called once with that line when the
   * source ends; an error it returns ends the body as a failing source would.
   */
  checkEnd?: (lastLine: Uint8Array | null) => unknown;
  /** When it aborts, a stream still running ends at once with the error frame for its reason. */
  stop?: AbortSignal;
}

export interface RelayResult {
  bytes: number;
  /** Set when the source failed mid-way, ended without its last line, or the stop signal cut it. */
  error?: unknown;
  /** Set when the client went away (cancel reached us). */
  cancelled: boolean;
}

/**
 * Wraps `source` so that each chunk is handed on as soon as it arrives (no batching), the client's
 * cancel reaches the source (which aborts the upstream fetch), and a failing source ends with an
 * error frame rather than a silently short body. Per chunk it only counts bytes and keeps a reference
 * to the chunk; checking the last line is one parse when the body ends.
 */
export function relay(
  source: ReadableStream<Uint8Array>,
  hooks: RelayHooks = {},
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const tail = hooks.checkEnd ? new LastLineKeeper() : null;
  let bytes = 0;
  let last: Uint8Array | undefined;
  let ended = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const end = (result: Omit<RelayResult, "bytes">) => {
    if (ended) return;
    ended = true;
    hooks.stop?.removeEventListener("abort", onStop);
    hooks.onEnd?.({ bytes, ...result });
  };
  /** Ends the body with the error frame for `err` (or errors it), once. */
  const fail = (err: unknown) => {
    if (ended) return;
    const frame = hooks.errorFrame?.(err, last) ?? null;
    if (frame) {
      bytes += frame.byteLength;
      controller.enqueue(frame);
      controller.close();
    } else {
      controller.error(err);
    }
    end({ error: err, cancelled: false });
  };
  function onStop() {
    const reason = hooks.stop?.reason;
    fail(reason);
    reader.cancel(reason).catch(() => {});
  }
  if (hooks.stop?.aborted) queueMicrotask(onStop);
  else hooks.stop?.addEventListener("abort", onStop, { once: true });
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          fail(err);
          return;
        }
        // Stopped while waiting: the frame has gone out and the controller is closed.
        if (ended) return;
        if (chunk.done) {
          const problem = tail ? hooks.checkEnd?.(tail.lastLine()) : undefined;
          if (problem !== undefined) {
            fail(problem);
            return;
          }
          c.close();
          end({ cancelled: false });
          return;
        }
        if (bytes === 0) hooks.onFirstChunk?.();
        bytes += chunk.value.byteLength;
        last = chunk.value;
        tail?.push(chunk.value);
        c.enqueue(chunk.value);
      },
      async cancel(reason) {
        end({ cancelled: true });
        await reader.cancel(reason).catch(() => {});
      },
    },
    // One chunk of read-ahead at most: backpressure from a slow client reaches the upstream.
    { highWaterMark: 0 },
  );
}
