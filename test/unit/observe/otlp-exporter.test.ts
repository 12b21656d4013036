// The span export queue: full batches leave at once and the rest after the delay, a full queue or a
// failed, refused or unanswered export drops spans and counts them, and the stop sends what is left.
import { expect, test } from "bun:test";
import { createSpanExport, type SpanExportOptions } from "../../../src/observe/otlp-exporter.ts";
import { KIND_SERVER, newSpanId, newTraceId, type SpanRecord } from "../../../src/observe/span-record.ts";

const record = (n: number): SpanRecord => ({
  traceId: newTraceId(),
  spanId: newSpanId(),
  parentSpanId: "",
  parentRemote: false,
  name: `span ${n}`,
  kind: KIND_SERVER,
  start: 1_764_606_000_000_000,
  end: 1_764_606_000_000_500,
  attributes: { n },
  statusCode: 0,
});

/** A collector played by `answer`; what each export carried, by span name. */
function collector(answer: (init: RequestInit) => Promise<Response> = async () => new Response("{}")) {
  const batches: string[][] = [];
  const headers: Headers[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body));
    batches.push(body.resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name));
    headers.push(new Headers(init.headers));
    return answer(init);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, batches, headers };
}

function exporter(fetch: typeof globalThis.fetch, more: Partial<SpanExportOptions> = {}) {
  let dropped = 0;
  const exp = createSpanExport({
    url: "http://collector.invalid/v1/traces",
    headers: { authorization: "Bearer t" },
    source: { resource: { "service.name": "test" }, scope: { name: "test", version: "1" } },
    maxQueueSize: 100,
    batchSize: 3,
    delayMs: 60_000,
    timeoutMs: 1000,
    fetch,
    onDropped: (n) => {
      dropped += n;
    },
    ...more,
  });
  return { exp, dropped: () => dropped };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test("a full batch leaves on the next turn, the rest waits for the delay; the stop sends it", async () => {
  const c = collector();
  const { exp, dropped } = exporter(c.fetch);
  for (let i = 0; i < 7; i++) exp.add(record(i));
  expect(c.batches).toEqual([]);
  await turn();
  expect(c.batches).toEqual([
    ["span 0", "span 1", "span 2"],
    ["span 3", "span 4", "span 5"],
  ]);
  expect(c.headers[0]?.get("authorization")).toBe("Bearer t");
  expect(c.headers[0]?.get("content-type")).toBe("application/json");
  await exp.shutdown();
  expect(c.batches.at(-1)).toEqual(["span 6"]);
  expect(dropped()).toBe(0);
});

test("a partial batch leaves once the delay is over", async () => {
  const c = collector();
  const { exp } = exporter(c.fetch, { delayMs: 20 });
  exp.add(record(0));
  await Bun.sleep(5);
  expect(c.batches).toEqual([]);
  await Bun.sleep(60);
  expect(c.batches).toEqual([["span 0"]]);
  await exp.shutdown();
});

test("a collector that answers an error, or cannot be reached: the batch is dropped and counted", async () => {
  for (const answer of [
    async () => new Response("no", { status: 500 }),
    async () => new Response("slow down", { status: 429 }),
    async () => {
      throw new TypeError("connection refused");
    },
  ]) {
    const { exp, dropped } = exporter(collector(answer).fetch);
    for (let i = 0; i < 4; i++) exp.add(record(i));
    await exp.shutdown();
    expect(dropped()).toBe(4);
  }
});

test("a collector that does not answer: given up after the timeout, its spans counted", async () => {
  const hang = (init: RequestInit) =>
    new Promise<Response>((_, reject) =>
      init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
    );
  const { exp, dropped } = exporter(collector(hang).fetch, { timeoutMs: 30 });
  for (let i = 0; i < 3; i++) exp.add(record(i));
  await turn();
  expect(dropped()).toBe(0);
  await Bun.sleep(80);
  expect(dropped()).toBe(3);
  await exp.shutdown();
});

test("while the exports under way are stuck, spans wait in the queue; past its bound they are dropped", async () => {
  const release: Array<() => void> = [];
  const stuck = () => new Promise<Response>((resolve) => release.push(() => resolve(new Response("{}"))));
  const c = collector(stuck);
  const { exp, dropped } = exporter(c.fetch, { concurrency: 1, maxQueueSize: 5 });
  for (let i = 0; i < 3; i++) exp.add(record(i));
  await turn();
  expect(c.batches.length).toBe(1);
  // The first batch is under way; five more fit in the queue, the next two do not.
  for (let i = 3; i < 10; i++) exp.add(record(i));
  expect(dropped()).toBe(2);
  await turn();
  expect(c.batches.length).toBe(1);
  release.shift()?.();
  await Bun.sleep(5);
  // With the first export answered, the next full batch leaves.
  expect(c.batches.length).toBe(2);
  expect(c.batches[1]).toEqual(["span 3", "span 4", "span 5"]);
  const stopped = exp.shutdown();
  await Bun.sleep(5);
  for (const r of release.splice(0)) r();
  await Bun.sleep(5);
  for (const r of release.splice(0)) r();
  await stopped;
  expect(c.batches.flat()).toEqual([
    "span 0",
    "span 1",
    "span 2",
    "span 3",
    "span 4",
    "span 5",
    "span 6",
    "span 7",
  ]);
  // Nothing is taken once stopped.
  exp.add(record(99));
  expect(dropped()).toBe(3);
});
