// OpenTelemetry traces: one SERVER span per request with CLIENT spans for each upstream call and
// INTERNAL spans for agent hooks, exported as OTLP/HTTP (JSON) in batches that never hold a request up.
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { ExportResultCode, W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { createOtlpExporter } from "./otlp-exporter.ts";
import type { CallHandle, HookFact, SpanParent, UpstreamCall } from "./probe.ts";
import { type SamplerSettings, samplerFrom } from "./sampler.ts";
import {
  callAttributes,
  callEndAttributes,
  type RequestSummary,
  requestEndAttributes,
} from "./span-attributes.ts";

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
}

/** A request's span and the parent of its children. */
export interface RequestSpan extends SpanParent {
  finish(summary: RequestSummary): void;
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

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  get: (h, key) => h.get(key) ?? undefined,
  keys: (h) => [...h.keys()],
};

export function createTracing(settings: TracingSettings, onDropped: (spans: number) => void): Tracing {
  const maxQueueSize = settings.maxQueueSize ?? 2048;
  const exportTimeoutMillis = settings.exportTimeoutMs ?? 10_000;
  const otlp = createOtlpExporter({
    url: settings.url,
    headers: settings.headers,
    timeoutMillis: exportTimeoutMillis,
  });
  // Spans handed to the batch processor and not yet taken by an export: the bound checked below.
  let queued = 0;
  const exporter: SpanExporter = {
    export(spans, done) {
      queued -= spans.length;
      otlp.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) onDropped(spans.length);
        done(result);
      });
    },
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush?.() ?? Promise.resolve(),
  };
  const batch = new BatchSpanProcessor({
    exporter,
    maxQueueSize,
    maxExportBatchSize: Math.min(512, maxQueueSize),
    scheduledDelayMillis: settings.scheduledDelayMs ?? 1000,
    exportTimeoutMillis,
  });
  // Ended spans reach the batch processor on the next turn of the event loop, not inside the span's
  // end: when a batch fills, the processor serialises and sends it at once, and that work belongs to
  // no request.
  let handOff: ReadableSpan[] = [];
  const drain = () => {
    const spans = handOff;
    handOff = [];
    for (const span of spans) batch.onEnd(span);
  };
  const processor: SpanProcessor = {
    onStart() {},
    onEnd(span) {
      if ((span.spanContext().traceFlags & 1) === 0) return;
      // A collector that is down or slow fills the queue: the span is dropped here, counted.
      if (queued >= maxQueueSize) {
        onDropped(1);
        return;
      }
      queued++;
      if (handOff.push(span) === 1) setImmediate(drain);
    },
    forceFlush() {
      drain();
      return batch.forceFlush();
    },
    shutdown() {
      drain();
      return batch.shutdown();
    },
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: settings.version,
    }),
    sampler: samplerFrom(settings),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer("ollama-smart-proxy", settings.version);
  return {
    captureContent: settings.captureContent,
    begin(headers, name, attributes) {
      const parent = headers.has("traceparent")
        ? propagator.extract(ROOT_CONTEXT, headers, headerGetter)
        : ROOT_CONTEXT;
      // Attributes are given once, at the end: the SDK checks every attribute it is handed, and
      // one given at the start is checked twice (for the sampler, then by the span).
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
      return requestSpan(tracer, span, attributes, trace.setSpan(parent, span), settings.captureContent);
    },
    background(name, attributes) {
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, ROOT_CONTEXT);
      return {
        end(more, error) {
          span.setAttributes(more);
          if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
          span.end();
        },
      };
    },
    async shutdown() {
      await provider.shutdown().catch(() => {});
    },
  };
}

function requestSpan(
  tracer: Tracer,
  span: Span,
  startAttributes: Attributes,
  ctx: Context,
  captureContent: boolean,
): RequestSpan {
  return {
    child(call: UpstreamCall): CallHandle {
      const startedAt = performance.now();
      const child = tracer.startSpan(`${call.operation} ${call.model}`, { kind: SpanKind.CLIENT }, ctx);
      return {
        inject: (headers) => injectTraceparent(child, headers),
        end(outcome = {}) {
          child.setAttributes({
            ...callAttributes(call, captureContent),
            ...callEndAttributes(call, outcome, startedAt, captureContent),
          });
          if (outcome.error !== undefined) {
            child.setStatus({ code: SpanStatusCode.ERROR, message: errorText(outcome.error) });
          }
          child.end();
        },
      };
    },
    hook(agent, hook) {
      const child = tracer.startSpan(`agent ${agent} ${hook}`, { kind: SpanKind.INTERNAL }, ctx);
      return {
        end(fact: HookFact) {
          child.setAttributes({
            "proxy.agent.name": agent,
            "proxy.agent.hook": hook,
            "proxy.agent.busy_ms": round(fact.busyMs),
            "proxy.agent.calls": fact.calls,
          });
          if (fact.failed) child.setStatus({ code: SpanStatusCode.ERROR });
          child.end();
        },
      };
    },
    finish(summary) {
      span.setAttributes({ ...startAttributes, ...requestEndAttributes(summary) });
      if (summary.status >= 500 || (summary.outcome !== "ok" && summary.outcome !== "cancelled")) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: summary.error ?? summary.outcome });
      }
      span.end();
    },
  };
}

/** W3C trace context for the upstream: what the propagator writes, without building a context for it. */
function injectTraceparent(span: Span, headers: Headers): void {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  headers.set("traceparent", `00-${traceId}-${spanId}-0${traceFlags & 1}`);
  const state = traceState?.serialize();
  if (state) headers.set("tracestate", state);
  else headers.delete("tracestate");
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
