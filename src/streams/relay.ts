// Relays a response body chunk by chunk, noting the first byte, counting bytes and never letting an
// upstream failure look like a finished stream.

export interface RelayHooks {
  /** Bytes that tell the client in its own dialect that the stream failed; null errors the stream instead. */
  errorFrame?: (err: unknown) => Uint8Array | null;
  onFirstChunk?: () => void;
  onEnd?: (result: RelayResult) => void;
}

export interface RelayResult {
  bytes: number;
  /** Set when the source failed mid-way. */
  error?: unknown;
  /** Set when the client went away (cancel reached us). */
  cancelled: boolean;
}

/**
 * Wraps `source` so that each chunk is handed on as soon as it arrives (no batching), the client's
 * cancel reaches the source (which aborts the upstream fetch), and a failing source ends with an
 * error frame rather than a silently short body.
 */
export function relay(
  source: ReadableStream<Uint8Array>,
  hooks: RelayHooks = {},
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let bytes = 0;
  let ended = false;
  const end = (result: Omit<RelayResult, "bytes">) => {
    if (ended) return;
    ended = true;
    hooks.onEnd?.({ bytes, ...result });
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          const frame = hooks.errorFrame?.(err) ?? null;
          if (frame) {
            bytes += frame.byteLength;
            controller.enqueue(frame);
            controller.close();
          } else {
            controller.error(err);
          }
          end({ error: err, cancelled: false });
          return;
        }
        if (chunk.done) {
          controller.close();
          end({ cancelled: false });
          return;
        }
        if (bytes === 0) hooks.onFirstChunk?.();
        bytes += chunk.value.byteLength;
        controller.enqueue(chunk.value);
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
