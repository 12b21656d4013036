// The relay's endings: the last line of a native stream, the proxy's stop, frames on lines of their own.
import { describe, expect, test } from "bun:test";
import { errorFrameFor } from "../../../src/streams/error-frames.ts";
import { LastLineKeeper } from "../../../src/streams/last-line.ts";
import { relay } from "../../../src/streams/relay.ts";
import { streamEndCheck } from "../../../src/streams/stream-end.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function lastLineOf(chunks: string[]): string | null {
  const keeper = new LastLineKeeper();
  for (const c of chunks) keeper.push(enc.encode(c));
  const line = keeper.lastLine();
  return line === null ? null : dec.decode(line);
}

/** A source that sends `chunks`, then waits until cancelled (`hang`) or ends. */
function source(chunks: string[], opts: { hang?: boolean } = {}) {
  let cancelled: unknown = "not cancelled";
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      const next = chunks[i++];
      if (next !== undefined) c.enqueue(enc.encode(next));
      else if (opts.hang) await new Promise(() => {});
      else c.close();
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  return { stream, cancelled: () => cancelled };
}

const ndjsonFrame = errorFrameFor("application/x-ndjson") as NonNullable<ReturnType<typeof errorFrameFor>>;
const errorFrame = (err: unknown, after: Uint8Array | undefined) =>
  ndjsonFrame(String((err as Error).message), after);

describe("the last line of a body", () => {
  test("whole lines, one per chunk", () => {
    expect(lastLineOf(['{"a":1}\n', '{"done":true}\n'])).toBe('{"done":true}');
  });
  test("a last line split over chunks, and chunks holding several lines", () => {
    expect(lastLineOf(['{"a":1}\n{"b"', ':2}\n{"done":', "true,", '"x":1}\n'])).toBe('{"done":true,"x":1}');
  });
  test("a trailing blank chunk does not hide the line before it", () => {
    expect(lastLineOf(['{"done":true}\n', "\n"])).toBe('{"done":true}');
  });
  test("a body cut mid-line: the partial line is the last line", () => {
    expect(lastLineOf(['{"a":1}\n{"done":tr'])).toBe('{"done":tr');
  });
  test("nothing at all: an empty line", () => {
    expect(lastLineOf([])).toBe("");
  });
});

describe("what a complete stream ends with", () => {
  const chat = streamEndCheck("/api/chat") as (l: Uint8Array | null) => boolean;
  const push = streamEndCheck("/api/push") as (l: Uint8Array | null) => boolean;
  test("chat: done:true, or an in-band error the client has already been shown", () => {
    expect(chat(enc.encode('{"done":true}'))).toBe(true);
    expect(chat(enc.encode('{"error":"boom"}'))).toBe(true);
    expect(chat(enc.encode('{"done":false}'))).toBe(false);
    expect(chat(enc.encode('{"done":tr'))).toBe(false);
    expect(chat(enc.encode(""))).toBe(false);
  });
  test("push: status success", () => {
    expect(push(enc.encode('{"status":"success"}'))).toBe(true);
    expect(push(enc.encode('{"status":"pushing manifest"}'))).toBe(false);
  });
  test("routes without a known last line are not checked", () => {
    expect(streamEndCheck("/api/tags")).toBeUndefined();
  });
});

describe("relay", () => {
  test("a native stream that ends without its last line ends with the error frame", async () => {
    const src = source(['{"done":false}\n']);
    const ends: unknown[] = [];
    const body = relay(src.stream, {
      errorFrame,
      checkEnd: (line) =>
        line && dec.decode(line).includes('"done":true') ? undefined : new Error("ended early"),
      onEnd: (r) => ends.push(r.error),
    });
    expect(await new Response(body).text()).toBe('{"done":false}\n{"error":"ended early"}\n');
    expect(ends).toHaveLength(1);
    expect((ends[0] as Error).message).toBe("ended early");
  });

  test("a complete stream passes byte for byte", async () => {
    const body = relay(source(['{"done":false}\n', '{"done":true}\n']).stream, {
      errorFrame,
      checkEnd: (line) => (line && dec.decode(line).includes('"done":true') ? undefined : new Error("early")),
    });
    expect(await new Response(body).text()).toBe('{"done":false}\n{"done":true}\n');
  });

  test("the stop signal ends a waiting stream with its reason and cancels the source", async () => {
    const src = source(['{"done":false}\n'], { hang: true });
    const stop = new AbortController();
    const results: Array<{ error?: unknown; cancelled: boolean }> = [];
    const body = relay(src.stream, { errorFrame, stop: stop.signal, onEnd: (r) => results.push(r) });
    const reader = body.getReader();
    expect(dec.decode((await reader.read()).value)).toBe('{"done":false}\n');
    const pending = reader.read();
    stop.abort(new Error("the proxy is shutting down"));
    expect(dec.decode((await pending).value)).toBe('{"error":"the proxy is shutting down"}\n');
    expect((await reader.read()).done).toBe(true);
    expect((src.cancelled() as Error).message).toBe("the proxy is shutting down");
    expect(results).toHaveLength(1);
    expect(results[0]?.cancelled).toBe(false);
  });

  test("a frame after a line the upstream left unfinished starts on a line of its own", async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('{"message":{"content":"hal'));
      },
      pull(c) {
        c.error(new Error("broke off"));
      },
    });
    const text = await new Response(relay(failing, { errorFrame })).text();
    expect(text.split("\n")).toEqual(['{"message":{"content":"hal', '{"error":"broke off"}', ""]);
  });

  test("an SSE frame after half an event ends that event first", () => {
    const sse = errorFrameFor("text/event-stream") as NonNullable<ReturnType<typeof errorFrameFor>>;
    expect(dec.decode(sse("x", enc.encode("data: {}\n"))).startsWith("\ndata: ")).toBe(true);
    expect(dec.decode(sse("x", enc.encode("data: {}\n\n"))).startsWith("data: ")).toBe(true);
    expect(dec.decode(sse("x", enc.encode("data: {"))).startsWith("\n\ndata: ")).toBe(true);
  });
});
