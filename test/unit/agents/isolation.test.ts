// A failing or slow agent fails its request with an error naming it, and nothing else.
import { describe, expect, test } from "bun:test";
import { prepareChain, runRequestHooks, runTakeover } from "../../../src/agents/chain.ts";
import { composeTransforms } from "../../../src/agents/compose-transforms.ts";
import { AgentError } from "../../../src/agents/errors.ts";
import type { AgentDefinition } from "../../../src/agents/types.ts";
import { ProxyError } from "../../../src/errors.ts";
import { agent, chatRequest, collect, contextFactory, snapshotOf } from "./helpers.ts";

const chainOf = (...defs: AgentDefinition[]) =>
  prepareChain(
    defs.map((d) => ({ name: d.manifest.name, args: [] })),
    snapshotOf(...defs),
    contextFactory(),
  );

async function failure(work: () => Promise<unknown>): Promise<AgentError> {
  try {
    await work();
  } catch (err) {
    expect(err).toBeInstanceOf(AgentError);
    return err as AgentError;
  }
  throw new Error("expected a failure");
}

describe("errors name the agent", () => {
  test("onRequest that throws (sync or async)", async () => {
    const sync = agent("redact", {
      onRequest() {
        throw new Error("bad regex");
      },
    });
    const err = await failure(() => runRequestHooks(chainOf(sync), chatRequest("q"), 1000));
    expect(err.status).toBe(500);
    expect(err.message).toBe('agent "redact" failed: bad regex');
    expect(err.agent).toBe("redact");

    const asyncFail = agent("lookup", { onRequest: async () => Promise.reject(new Error("no index")) });
    const err2 = await failure(() => runRequestHooks(chainOf(asyncFail), chatRequest("q"), 1000));
    expect(err2.message).toBe('agent "lookup" failed: no index');
  });

  test("a deliberate ProxyError keeps its status and origin", async () => {
    const picky = agent("picky", {
      onRequest() {
        throw new ProxyError(404, "model 'x' not found", "upstream");
      },
    });
    const err = await failure(() => runRequestHooks(chainOf(picky), chatRequest("q"), 1000));
    expect([err.status, err.origin, err.message]).toEqual([
      404,
      "upstream",
      "agent \"picky\" failed: model 'x' not found",
    ]);
  });

  test("an agent picks a 4xx with a plain status field", async () => {
    const strict = agent("strict", {
      onRequest() {
        throw Object.assign(new Error("unsupported language"), { status: 400 });
      },
    });
    const err = await failure(() => runRequestHooks(chainOf(strict), chatRequest("q"), 1000));
    expect([err.status, err.message]).toEqual([400, 'agent "strict" failed: unsupported language']);
  });

  test("onRequest returning garbage", async () => {
    const odd = agent("odd", { onRequest: () => "nope" as never });
    const err = await failure(() => runRequestHooks(chainOf(odd), chatRequest("q"), 1000));
    expect(err.message).toContain('agent "odd" failed: onRequest() must return');
  });

  test("timeouts", async () => {
    const slow = agent("slow", { onRequest: () => new Promise(() => {}) });
    const started = performance.now();
    const err = await failure(() => runRequestHooks(chainOf(slow), chatRequest("q"), 50));
    expect(err.message).toBe('agent "slow" timed out after 50 ms');
    expect(performance.now() - started).toBeLessThan(1000);

    const slowChunk = agent("drip", {
      transformResponse: () => ({ chunk: () => new Promise<string>(() => {}) }),
    });
    const t = composeTransforms(chainOf(slowChunk), chatRequest("q"), 30);
    const err2 = await failure(async () => t?.chunk("x"));
    expect(err2.message).toBe('agent "drip" timed out after 30 ms');
  });

  test("transform factory, chunk and flush failures", async () => {
    const factory = agent("mk", {
      transformResponse() {
        throw new TypeError("oops");
      },
    });
    expect(() => composeTransforms(chainOf(factory), chatRequest("q"), 100)).toThrow(
      'agent "mk" failed: oops',
    );

    const chunky = agent("chunky", {
      transformResponse: () => ({
        chunk: () => {
          throw new Error("split");
        },
      }),
    });
    const inner = agent("inner", { transformResponse: () => ({ chunk: (t) => t }) });
    const t = composeTransforms(chainOf(chunky, inner), chatRequest("q"), 100);
    expect((await failure(async () => t?.chunk("x"))).message).toBe('agent "chunky" failed: split');

    const flushy = agent("flushy", {
      transformResponse: () => ({ chunk: (x) => x, flush: async () => Promise.reject(new Error("late")) }),
    });
    const f = composeTransforms(chainOf(flushy), chatRequest("q"), 100);
    expect((await failure(async () => f?.flush?.())).message).toBe('agent "flushy" failed: late');

    const notString = agent("num", { transformResponse: () => ({ chunk: () => 42 as never }) });
    const n = composeTransforms(chainOf(notString), chatRequest("q"), 100);
    expect((await failure(async () => n?.chunk("x"))).message).toContain("chunk() returned number");
  });

  test("takeover failures, before or during the stream", async () => {
    const midway = agent("critique", {
      async *run() {
        yield "part";
        throw new Error("upstream went away");
      },
    });
    const err = await failure(() => collect(runTakeover(chainOf(midway), chatRequest("q"))));
    expect(err.message).toBe('agent "critique" failed: upstream went away');

    const notIterable = agent("flat", { run: (() => "text") as never });
    const err2 = await failure(() => collect(runTakeover(chainOf(notIterable), chatRequest("q"))));
    expect(err2.message).toContain("async iterable");
  });

  test("an abort passes through unwrapped, so the pipeline still sees a cancelled request", async () => {
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    const aborted = agent("ab", { onRequest: () => Promise.reject(abort) });
    await expect(runRequestHooks(chainOf(aborted), chatRequest("q"), 100)).rejects.toBe(abort);
  });

  test("a hook that fails after its timeout does not surface as an unhandled rejection", async () => {
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    process.on("unhandledRejection", onUnhandled);
    const late = agent("late", {
      onRequest: () => Bun.sleep(40).then(() => Promise.reject(new Error("late"))),
    });
    await failure(() => runRequestHooks(chainOf(late), chatRequest("q"), 10));
    await Bun.sleep(60);
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toBe(0);
  });
});
