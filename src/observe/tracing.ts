// OpenTelemetry traces: one SERVER span per request with CLIENT spans for each upstream call and
// INTERNAL spans for agent hooks, exported as OTLP/HTTP (JSON) in batches that never hold a request up.
//
// The spans are recorded as plain data (span-record.ts) rather than through the SDK's Tracer and
// Span objects: the proxy makes three span shapes whose attributes it sets once, at the end, and the
// SDK's general machinery (a context per span, attribute checks, per-span metrics, the batch
// processor, the exporter base and its object-tree serializer) cost a chat's two spans 27–31 µs of
// CPU, made and exported, against 15–17 µs this way, most of which is now encoding and sending.
// What decides a trace stays the SDK's: its W3C propagator reads an incoming traceparent and its
// samplers decide.
import {
  type Attributes,
  isSpanContextValid,
  ROOT_CONTEXT,
  SamplingDecision,
  SpanKind,
  type TextMapGetter,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { createSpanExport } from "./otlp-exporter.ts";
import type { CallHandle, HookFact, SpanParent, UpstreamCall } from "./probe.ts";
import { type SamplerSettings, samplerFrom } from "./sampler.ts";
import {
  callSpanAttributes,
  hookAttributes,
  type RequestSummary,
  requestEndAttributes,
} from "./span-attributes.ts";
import {
  KIND_CLIENT,
  KIND_INTERNAL,
  KIND_SERVER,
  newSpanId,
  newTraceId,
  type SpanRecord,
  spanClock,
} from "./span-record.ts";

export interface TracingSettings extends SamplerSettings {
  /** The traces URL, as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  url: string;
  headers: Readonly<Record<string, string>>;
  serviceName: string;
  version: string;
  captureContent: boolean;
  /** Spans waiting for export at most; more are dropped (and counted). */
  maxQueueSize?: number;
  scheduledDelayMs?: number;
  exportTimeoutMs?: number;
  /** How exports are sent (tests give their own). */
  fetch?: typeof fetch;
}

/** A request's span and the parent of its children. */
export interface RequestSpan extends SpanParent {
  /** Ends the request's span with what its record says; `route` is the route's label (`/api/chat`). */
  finish(summary: RequestSummary, route: string): void;
}

export interface Tracing {
  readonly captureContent: boolean;
  /** Starts a request's span, continuing the trace of an incoming `traceparent`. */
  begin(headers: Headers, name: string, attributes: Attributes): RequestSpan;
  /** A span of its own trace for work no single request owns (a pull several requests wait on). */
  background(name: string, attributes: Attributes): { end(attributes: Attributes, error?: string): void };
  /** Sends what is queued (bounded by the export timeout) and stops. */
  shutdown(): Promise<void>;
}

/** What a trace's spans share: the trace, whether it is exported, its W3C tracestate. */
interface TraceFacts {
  traceId: string;
  sampled: boolean;
  traceState: string | undefined;
}

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  get: (h, key) => h.get(key) ?? undefined,
  keys: (h) => [...h.keys()],
};
const NO_ATTRIBUTES: Attributes = Object.freeze({});
const ERROR = 2;

export function createTracing(settings: TracingSettings, onDropped: (spans: number) => void): Tracing {
  const maxQueueSize = settings.maxQueueSize ?? 2048;
  const exporter = createSpanExport({
    url: settings.url,
    headers: settings.headers,
    source: {
      resource: { [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: settings.version },
      scope: { name: "ollama-smart-proxy", version: settings.version },
    },
    maxQueueSize,
    batchSize: Math.min(512, maxQueueSize),
    delayMs: settings.scheduledDelayMs ?? 1000,
    timeoutMs: settings.exportTimeoutMs ?? 10_000,
    onDropped,
    fetch: settings.fetch,
  });
  const sampler = samplerFrom(settings);
  const captureContent = settings.captureContent;

  /** A new trace, or the one of an incoming traceparent, as the sampler decides. */
  function traceFor(headers: Headers | null, name: string, kind: SpanKind) {
    const context = headers?.has("traceparent")
      ? propagator.extract(ROOT_CONTEXT, headers, headerGetter)
      : ROOT_CONTEXT;
    const parent = trace.getSpanContext(context);
    const remote = parent && isSpanContextValid(parent) ? parent : undefined;
    const traceId = remote?.traceId ?? newTraceId();
    const decision = sampler.shouldSample(context, traceId, name, kind, NO_ATTRIBUTES, []);
    const state = decision.traceState ?? remote?.traceState;
    const facts: TraceFacts = {
      traceId,
      // RECORD (kept but not sampled) is nothing the proxy would do with a span it does not send.
      sampled: decision.decision === SamplingDecision.RECORD_AND_SAMPLED,
      traceState: state?.serialize(),
    };
    return { facts, parentSpanId: remote?.spanId ?? "" };
  }

  /** A span started now; `close` ends it with its attributes (ignored when the trace is not sampled). */
  function open(facts: TraceFacts, parentSpanId: string, name: string, kind: number, remote = false) {
    const record: SpanRecord = {
      traceId: facts.traceId,
      spanId: newSpanId(),
      parentSpanId,
      parentRemote: remote,
      traceState: facts.traceState,
      name,
      kind,
      start: spanClock(),
      end: 0,
      attributes: NO_ATTRIBUTES,
      statusCode: 0,
    };
    return {
      record,
      close(attributes: Attributes, failed: boolean, message?: string): void {
        if (!facts.sampled || record.end !== 0) return;
        record.end = spanClock();
        record.attributes = attributes;
        if (failed) {
          record.statusCode = ERROR;
          if (message !== undefined) record.statusMessage = message;
        }
        exporter.add(record);
      },
    };
  }

  return {
    captureContent,
    begin(headers, name, startAttributes) {
      const { facts, parentSpanId } = traceFor(headers, name, SpanKind.SERVER);
      const span = open(facts, parentSpanId, name, KIND_SERVER, parentSpanId !== "");
      const id = span.record.spanId;
      return {
        child(call: UpstreamCall): CallHandle {
          const startedAt = performance.now();
          const child = open(facts, id, `${call.operation} ${call.model}`, KIND_CLIENT);
          return {
            inject: (headers) => injectTraceparent(facts, child.record.spanId, headers),
            end(outcome = {}) {
              const failed = outcome.error !== undefined;
              child.close(
                callSpanAttributes(call, outcome, startedAt, captureContent),
                failed,
                failed ? errorText(outcome.error) : undefined,
              );
            },
          };
        },
        hook(agent, hook) {
          const child = open(facts, id, `agent ${agent} ${hook}`, KIND_INTERNAL);
          return { end: (fact: HookFact) => child.close(hookAttributes(fact), fact.failed) };
        },
        finish(summary, route) {
          const failed =
            summary.status >= 500 || (summary.outcome !== "ok" && summary.outcome !== "cancelled");
          span.close(
            requestEndAttributes(summary, route, startAttributes),
            failed,
            failed ? (summary.error ?? summary.outcome) : undefined,
          );
        },
      };
    },
    background(name, attributes) {
      const { facts } = traceFor(null, name, SpanKind.CLIENT);
      const span = open(facts, "", name, KIND_CLIENT);
      return {
        end: (more, error) => span.close({ ...attributes, ...more }, error !== undefined, error),
      };
    },
    shutdown: () => exporter.shutdown(),
  };
}

/** W3C trace context for the upstream: the upstream call's span as the parent. */
function injectTraceparent(facts: TraceFacts, spanId: string, headers: Headers): void {
  headers.set("traceparent", `00-${facts.traceId}-${spanId}-0${facts.sampled ? 1 : 0}`);
  if (facts.traceState) headers.set("tracestate", facts.traceState);
  else headers.delete("tracestate");
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
