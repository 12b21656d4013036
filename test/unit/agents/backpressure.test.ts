// A slow transform slows the stream down: the composed transform never lets the source run ahead.
import { describe, expect, test } from "bun:test";
import { prepareChain } from "../../../src/agents/chain.ts";
import { composeTransforms } from "../../../src/agents/compose-transforms.ts";
import type { ResponseTransform } from "../../../src/agents/types.ts";
import { agent, chatRequest, contextFactory, snapshotOf } from "./helpers.ts";

const PIECES = 40;

/** Counts how far the source gets ahead of the slow stage's finished work. */
function harness() {
  const state = { pulled: 0, finished: 0, maxAhead: 0, active: 0, maxActive: 0 };
  const source = new ReadableStream<string>(
    {
      pull(controller) {
        if (state.pulled === PIECES) return controller.close();
        state.pulled += 1;
        state.maxAhead = Math.max(state.maxAhead, state.pulled - state.finished);
        controller.enqueue(`t${state.pulled} `);
      },
    },
    { highWaterMark: 0 },
  );
  const slow = agent("slow", {
    transformResponse: () => ({
      async chunk(text) {
        state.active += 1;
        state.maxActive = Math.max(state.maxActive, state.active);
        await Bun.sleep(2);
        state.active -= 1;
        state.finished += 1;
        return text.toUpperCase();
      },
    }),
  });
  const outer = agent("outer", { transformResponse: () => ({ chunk: (t) => `[${t}]` }) });
  const defs = [outer, slow];
  const chain = prepareChain(
    defs.map((d) => ({ name: d.manifest.name, args: [] })),
    snapshotOf(...defs),
    contextFactory(),
  );
  return { state, source, composed: composeTransforms(chain, chatRequest("q"), 1000) as ResponseTransform };
}

/** How the pipeline uses a transform: as one stage of a stream pipeline. */
async function drain(source: ReadableStream<string>, transform: ResponseTransform): Promise<string> {
  const stage = new TransformStream<string, string>({
    async transform(piece, controller) {
      const out = await transform.chunk(piece);
      if (out) controller.enqueue(out);
    },
    async flush(controller) {
      const rest = (await transform.flush?.()) ?? "";
      if (rest) controller.enqueue(rest);
    },
  });
  let text = "";
  for await (const out of source.pipeThrough(stage)) {
    text += out;
    await Bun.sleep(0);
  }
  return text;
}

describe("backpressure", () => {
  test("the source is read at the pace of the slowest agent", async () => {
    const { state, source, composed } = harness();
    const text = await drain(source, composed);
    expect(text).toBe(Array.from({ length: PIECES }, (_, i) => `[T${i + 1} ]`).join(""));
    expect(state.maxActive).toBe(1);
    // The writable side of a stream stage holds one piece while the transform works on another.
    expect(state.maxAhead).toBeLessThanOrEqual(2);
  });

  test("the harness catches a transform that returns before its work is done", async () => {
    const { state, source, composed } = harness();
    // A broken composition: acknowledges each piece at once and works in the background.
    let backlog: Promise<unknown> = Promise.resolve();
    const fireAndForget: ResponseTransform = {
      chunk(text) {
        backlog = backlog.then(() => composed.chunk(text));
        return "";
      },
      flush: async () => {
        await backlog;
        return "";
      },
    };
    await drain(source, fireAndForget);
    expect(state.maxAhead).toBeGreaterThan(PIECES / 2);
  });
});
