// A finished span as plain data (what OTLP carries of it, nothing more), and the ids and clock
// spans are made with. The proxy records its own few span shapes this way instead of through the
// SDK's Span objects: see tracing.ts for why.
import type { Attributes } from "@opentelemetry/api";

/** OTLP's span kinds (the API's SpanKind + 1). */
export const KIND_INTERNAL = 1;
export const KIND_SERVER = 2;
export const KIND_CLIENT = 3;

export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  /** Whether the parent came from elsewhere (an incoming traceparent). */
  parentRemote: boolean;
  /** The W3C tracestate, serialized, when the trace came with one. */
  traceState?: string;
  name: string;
  kind: number;
  /** Microseconds since the Unix epoch (an integer). */
  start: number;
  end: number;
  attributes: Attributes;
  /** OTLP's status code: 0 unset, 2 error (the proxy sets no "ok"). */
  statusCode: number;
  statusMessage?: string;
}

const origin = performance.timeOrigin;

/**
 * Now, on the span clock: the process's monotonic clock from its start's wall time (as the SDK's),
 * in whole microseconds (an epoch in µs is still an exact integer in a double; nanoseconds are not).
 */
export function spanClock(): number {
  return Math.round((origin + performance.now()) * 1000);
}

// Random bytes are drawn a few kilobytes at a time: one getRandomValues per ~170 requests.
const pool = Buffer.allocUnsafe(4096);
let used = pool.length;

function randomHex(bytes: number, zero: string): string {
  if (used + bytes > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  const id = pool.toString("hex", used, used + bytes);
  used += bytes;
  // All zeros is W3C's "invalid id"; one in 2^64 draws, drawn again.
  return id === zero ? randomHex(bytes, zero) : id;
}

const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

export const newTraceId = (): string => randomHex(16, ZERO_TRACE);
export const newSpanId = (): string => randomHex(8, ZERO_SPAN);
