// Streams pre-encoded frames one per enqueue, honouring the chunk delay, fail-, drop- and end-after knobs.
import type { Ctx } from "./context.ts";

export interface StreamPlan {
  /** Each frame is flushed on its own: one NDJSON line or one SSE event. */
  frames: string[];
  delayMs: number;
  /** After this many frames, send failFrame (if any) and end the stream normally. */
  failAfter: number | null;
  failFrame: string | null;
  /** After this many frames, cut the connection without the terminating chunk. */
  dropAfter: number | null;
  /** After this many frames, end the body cleanly without the rest (no final line). */
  endAfter?: number | null;
  /** Runs once every frame has been sent (not on failure, drop or client abort). */
  onDone?: () => void;
  /** Bytes of a `{"pad":"AAA…"}` line sent first, 64 KB per write (the huge-line knob). */
  hugeLine?: number | null;
}

const HUGE_WRITE = 64 * 1024;

/** The huge line's bytes from `offset`, at most one write's worth; its newline comes last. */
function hugeLinePiece(size: number, offset: number): Uint8Array {
  const head = '{"pad":"';
  const tail = '"}\n';
  const end = Math.min(offset + HUGE_WRITE, size + 1);
  const out = new Uint8Array(end - offset).fill(0x41);
  for (let i = offset; i < end; i++) {
    if (i < head.length) out[i - offset] = head.charCodeAt(i);
    else if (i >= size + 1 - tail.length) out[i - offset] = tail.charCodeAt(i - (size + 1 - tail.length));
  }
  return out;
}

const encoder = new TextEncoder();
const DROP_FLUSH_MS = 10;

/** Knob values at or past the end of the stream have no effect: there is nothing left to break. */
function hits(limit: number | null, sent: number, total: number): boolean {
  return limit !== null && sent >= limit && sent < total;
}

export function streamResponse(ctx: Ctx, plan: StreamPlan, contentType: string): Response {
  const { life } = ctx;
  life.streaming = true;
  let sent = 0;
  let hugeSent = 0;
  const hugeSize = plan.hugeLine ?? 0;
  const total = plan.frames.length;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (hugeSize > 0 && hugeSent < hugeSize + 1) {
        const piece = hugeLinePiece(hugeSize, hugeSent);
        hugeSent += piece.byteLength;
        controller.enqueue(piece);
        return;
      }
      if (sent > 0 && sent < total && !(await life.sleep(plan.delayMs))) return;
      if (life.finished) return; // cancelled while sleeping: the controller is already closed
      if (hits(plan.dropAfter, sent, total)) {
        life.finish();
        // Let Bun put the frames already enqueued (and the headers) on the wire first: erroring
        // right away would discard them and the client would never get a response at all.
        await Bun.sleep(DROP_FLUSH_MS);
        // Erroring the body makes Bun reset the socket mid-body (the client sees ECONNRESET);
        // an undefined reason keeps Bun from logging it as an uncaught error.
        controller.error(undefined);
        return;
      }
      if (hits(plan.endAfter ?? null, sent, total)) {
        controller.close();
        life.finish();
        return;
      }
      if (hits(plan.failAfter, sent, total)) {
        if (plan.failFrame !== null) controller.enqueue(encoder.encode(plan.failFrame));
        controller.close();
        life.finish();
        return;
      }
      const frame = plan.frames[sent];
      if (frame === undefined) {
        plan.onDone?.();
        controller.close();
        life.finish();
        return;
      }
      sent++;
      controller.enqueue(encoder.encode(frame));
    },
    cancel() {
      life.abort();
    },
  });
  return new Response(body, { headers: { "content-type": contentType } });
}

/** Sleeps like a stream would have taken to produce `frames` frames; false if the client left. */
export function streamDuration(ctx: Ctx, frames: number, delayMs: number): Promise<boolean> {
  return ctx.life.sleep(Math.max(0, frames - 1) * delayMs);
}
