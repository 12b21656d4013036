// The proxy's own OTLP/JSON against OpenTelemetry's JsonTraceSerializer, byte for byte: the same
// spans given to both (as the SDK's ReadableSpan for the official one) must give the same body.
import { expect, test } from "bun:test";
import type { Attributes } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { batchFrame, encodeBatch, hrTimeOf, type SpanSource } from "../../../src/observe/otlp-json.ts";
import {
  callSpanAttributes,
  hookAttributes,
  requestEndAttributes,
} from "../../../src/observe/span-attributes.ts";
import {
  KIND_CLIENT,
  KIND_INTERNAL,
  KIND_SERVER,
  newSpanId,
  newTraceId,
  type SpanRecord,
  spanClock,
} from "../../../src/observe/span-record.ts";
import { createTracing } from "../../../src/observe/tracing.ts";

const SOURCE: SpanSource = {
  resource: { "service.name": "ollama-smart-proxy", "service.version": "0.1.0" },
  scope: { name: "ollama-smart-proxy", version: "0.1.0" },
};

/** The record as the SDK would have held it. */
function readable(s: SpanRecord, source: SpanSource): ReadableSpan {
  const traceState = s.traceState === undefined ? undefined : new TraceState(s.traceState);
  return {
    name: s.name,
    kind: s.kind - 1,
    spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1, traceState }),
    parentSpanContext: s.parentSpanId
      ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1, isRemote: s.parentRemote, traceState }
      : undefined,
    startTime: hrTimeOf(s.start),
    endTime: hrTimeOf(s.end),
    status:
      s.statusMessage === undefined
        ? { code: s.statusCode }
        : { code: s.statusCode, message: s.statusMessage },
    attributes: s.attributes,
    links: [],
    events: [],
    duration: [0, 0],
    ended: true,
    resource: resourceFromAttributes(source.resource),
    instrumentationScope: source.scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

function official(spans: SpanRecord[], source = SOURCE): string {
  const resource = resourceFromAttributes(source.resource);
  const sdkSpans = spans.map((s) => ({ ...readable(s, source), resource }));
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans));
}

const mine = (spans: SpanRecord[], source = SOURCE) => encodeBatch(batchFrame(source), spans);

function span(fields: Partial<SpanRecord> & { attributes: Attributes }): SpanRecord {
  const start = spanClock();
  return {
    traceId: newTraceId(),
    spanId: newSpanId(),
    parentSpanId: "",
    parentRemote: false,
    name: "POST /api/chat",
    kind: KIND_SERVER,
    start,
    end: start + 1234,
    statusCode: 0,
    ...fields,
  };
}

test("a request's spans as the proxy makes them: the request, its upstream call and an agent hook", () => {
  const startedAt = performance.now();
  const root = span({
    parentSpanId: "00f067aa0ba902b7",
    parentRemote: true,
    traceState: "vendor=opaque,other=1",
    attributes: requestEndAttributes(
      {
        status: 200,
        outcome: "ok",
        model: "llama3.2:latest",
        requestedModel: "llama3.2",
        agents: ["concise", "redact"],
        dialect: "ollama",
      },
      "/api/chat",
      { "http.request.method": "POST" },
    ),
  });
  const call = span({
    traceId: root.traceId,
    parentSpanId: root.spanId,
    traceState: root.traceState,
    name: "chat llama3.2:latest",
    kind: KIND_CLIENT,
    attributes: callSpanAttributes(
      {
        operation: "chat",
        path: "/api/chat",
        model: "llama3.2:latest",
        stream: true,
        params: { temperature: 0.25, num_predict: 64, top_k: 40, stop: ["\n\n", "User:"], seed: -3 },
      },
      {
        usage: { inputTokens: 37, outputTokens: 11, finishReason: "stop", loadMs: 1.25 },
        firstChunkAt: startedAt + 12.5,
      },
      startedAt,
      false,
    ),
  });
  const hook = span({
    traceId: root.traceId,
    parentSpanId: root.spanId,
    traceState: root.traceState,
    name: "agent redact transformResponse",
    kind: KIND_INTERNAL,
    statusCode: 2,
    attributes: hookAttributes({
      agent: "redact",
      hook: "transformResponse",
      busyMs: 0.1234567,
      calls: 3,
      failed: true,
    }),
  });
  const spans = [call, hook, root];
  expect(mine(spans)).toBe(official(spans));
});

test("every kind of attribute value, and text that needs escaping wherever text goes", () => {
  const attributes: Attributes = {
    plain: "bench:latest",
    empty: "",
    quotes: 'say "hi" \\ back',
    control: "tab\there\nnew line\u0000\u001f",
    unicode: "décris 🙂 — ok",
    "lone surrogate": "a\ud800b",
    del: "\u007f",
    zero: 0,
    negative: -42,
    big: 2 ** 53,
    double: 0.1,
    tiny: 1e-7,
    huge: 1e21,
    "minus zero": -0,
    nan: Number.NaN,
    infinite: Number.POSITIVE_INFINITY,
    yes: true,
    no: false,
    strings: ["a", 'b"', "ü"],
    numbers: [1, 2.5, -3],
    booleans: [true, false],
    holes: ["a", null, undefined, "b"],
    none: [],
    'key with "quotes" and ü': "v",
  };
  const withObjects = {
    ...attributes,
    bytes: new Uint8Array([0, 1, 254, 255]),
    nested: { inner: "x", deeper: { n: 1 } },
  } as unknown as Attributes;
  const spans = [
    span({ attributes }),
    span({
      name: 'name with "quotes" ü',
      kind: KIND_CLIENT,
      statusCode: 2,
      statusMessage: 'upstream said "no"\nat line 2',
      attributes: withObjects,
    }),
    span({ attributes: {}, traceState: "", parentSpanId: "b7ad6b7169203331", parentRemote: true }),
  ];
  expect(mine(spans)).toBe(official(spans));
});

test("times: whole microseconds on both sides of a second, and a resource that needs escaping", () => {
  const at = (micros: number) => span({ start: micros, end: micros + 999_999, attributes: { n: 1 } });
  const spans = [
    at(1_764_606_000_000_000),
    at(1_764_606_000_000_001),
    at(1_764_606_000_999_999),
    at(999),
    at(0),
    at(1_000_000),
  ];
  const source: SpanSource = {
    resource: { "service.name": 'my "proxy" ü', "service.version": "1.0.0-beta.1", replicas: 3 },
    scope: { name: "ollama-smart-proxy", version: "1.0.0-beta.1" },
  };
  expect(mine(spans, source)).toBe(official(spans, source));
});

test("what the tracing module sends is what the official serializer makes of the same spans", async () => {
  const bodies: string[] = [];
  const capture = (async (_url: string, init: RequestInit) => {
    bodies.push(String(init.body));
    return new Response("{}");
  }) as unknown as typeof fetch;
  const tracing = createTracing(
    {
      url: "http://collector.invalid/v1/traces",
      headers: {},
      serviceName: "proxy-under-test",
      version: "9.9.9",
      sampler: "parentbased_always_on",
      samplerArg: 1,
      captureContent: true,
      fetch: capture,
    },
    () => {},
  );
  const headers = new Headers({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
  headers.set("tracestate", "vendor=opaque");
  const request = tracing.begin(headers, "POST /api/chat", { "http.request.method": "POST" });
  const call = request.child({
    operation: "chat",
    path: "/api/chat",
    model: "llama3.2",
    stream: false,
    params: { temperature: 0.5 },
    input: [{ role: "user", content: 'tell me "why"' }],
  });
  call.end({ usage: { inputTokens: 3, outputTokens: 4, finishReason: "stop" }, output: "because ü" });
  request
    .hook("concise", "onRequest")
    .end({ agent: "concise", hook: "onRequest", busyMs: 1.5, calls: 1, failed: false });
  request.finish(
    { status: 502, outcome: "upstream_error", error: "upstream down", dialect: "ollama" },
    "/api/chat",
  );
  tracing
    .background("pull llama3.2", { "gen_ai.request.model": "llama3.2" })
    .end({ "proxy.pull.bytes": 10 }, "no space");
  await tracing.shutdown();
  expect(bodies.length).toBe(1);
  const sent = JSON.parse(bodies[0] as string);
  // Back to the SDK's shape from what was sent, then through the official serializer.
  const spans: SpanRecord[] = sent.resourceSpans[0].scopeSpans[0].spans.map(recordFromOtlp);
  expect(spans.map((s) => s.name)).toEqual([
    "chat llama3.2",
    "agent concise onRequest",
    "POST /api/chat",
    "pull llama3.2",
  ]);
  const source: SpanSource = {
    resource: { "service.name": "proxy-under-test", "service.version": "9.9.9" },
    scope: { name: "ollama-smart-proxy", version: "9.9.9" },
  };
  expect(bodies[0]).toBe(official(spans, source));
});

type AnyValue = Record<string, unknown>;
function fromAny(v: AnyValue): unknown {
  if ("stringValue" in v) return v.stringValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return v.doubleValue;
  if ("boolValue" in v) return v.boolValue;
  if ("arrayValue" in v) return ((v.arrayValue as { values: AnyValue[] }).values ?? []).map(fromAny);
  throw new Error(`unexpected value ${JSON.stringify(v)}`);
}

function recordFromOtlp(s: Record<string, unknown>): SpanRecord {
  const micros = (nanos: unknown) => Number(BigInt(nanos as string) / 1000n);
  const status = s.status as { code: number; message?: string };
  const record: SpanRecord = {
    traceId: s.traceId as string,
    spanId: s.spanId as string,
    parentSpanId: (s.parentSpanId as string | undefined) ?? "",
    parentRemote: ((s.flags as number) & 0x200) !== 0,
    name: s.name as string,
    kind: s.kind as number,
    start: micros(s.startTimeUnixNano),
    end: micros(s.endTimeUnixNano),
    attributes: Object.fromEntries(
      (s.attributes as Array<{ key: string; value: AnyValue }>).map((a) => [a.key, fromAny(a.value)]),
    ) as Attributes,
    statusCode: status.code,
  };
  if (s.traceState !== undefined) record.traceState = s.traceState as string;
  if (status.message !== undefined) record.statusMessage = status.message;
  return record;
}
