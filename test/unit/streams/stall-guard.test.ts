// The request-body guard: a sender that pauses too long fails the read; slow readers never do.
import { expect, test } from "bun:test";
import { stallGuard } from "../../../src/streams/stall-guard.ts";

const enc = new TextEncoder();

/** Sends each chunk after its delay, then (unless `end`) never sends again. */
function sender(plan: Array<[delayMs: number, text: string]>, end: boolean) {
  let i = 0;
  let cancelled: unknown;
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      const step = plan[i++];
      if (!step) {
        if (end) c.close();
        else await new Promise(() => {});
        return;
      }
      await Bun.sleep(step[0]);
      c.enqueue(enc.encode(step[1]));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  return { stream, cancelled: () => cancelled };
}

const stalled = () => new Error("stalled");

test("a sender that stops mid-body fails the read with the guard's error and is cancelled", async () => {
  const src = sender([[0, '{"model":']], false);
  const read = new Response(stallGuard(src.stream, 100, stalled)).text();
  await expect(read).rejects.toThrow("stalled");
  expect((src.cancelled() as Error).message).toBe("stalled");
});

test("a steady sender slower in total than the limit passes: only pauses count", async () => {
  const src = sender(
    [
      [0, "a"],
      [60, "b"],
      [60, "c"],
      [60, "d"],
    ],
    true,
  );
  expect(await new Response(stallGuard(src.stream, 100, stalled)).text()).toBe("abcd");
});

test("a reader that takes its time is not the sender's pause", async () => {
  const src = sender(
    [
      [0, "a"],
      [0, "b"],
    ],
    true,
  );
  const reader = stallGuard(src.stream, 50, stalled).getReader();
  expect((await reader.read()).value).toEqual(enc.encode("a"));
  await Bun.sleep(150);
  expect((await reader.read()).value).toEqual(enc.encode("b"));
  expect((await reader.read()).done).toBe(true);
});
