// An OTLP/HTTP trace receiver for tests: decodes the JSON the exporter sends into plain spans, or
// plays a collector that hangs (never answers).
import { gunzipSync } from "node:zlib";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's enum: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Requests that arrived (a hanging receiver counts them too). */
  posts: number;
  /** The headers of the last export. */
  lastHeaders: Headers | null;
  /** Resolves once spans matching `pred` have arrived (or rejects after `ms`). */
  waitFor(pred: (spans: ReceivedSpan[]) => boolean, ms?: number): Promise<ReceivedSpan[]>;
  stop(): Promise<void>;
}

type AnyValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};

function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  return undefined;
}

function attributes(list: Array<{ key: string; value: AnyValue }> | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, anyValue(a.value)]));
}

export function startOtlpReceiver(opts: { hang?: boolean } = {}): OtlpReceiver {
  const spans: ReceivedSpan[] = [];
  const hanging: Array<() => void> = [];
  let posts = 0;
  let lastHeaders: Headers | null = null;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      posts++;
      lastHeaders = req.headers;
      if (opts.hang)
        return new Promise<Response>((resolve) => hanging.push(() => resolve(new Response(null))));
      let bytes = new Uint8Array(await req.arrayBuffer());
      if (req.headers.get("content-encoding") === "gzip") bytes = gunzipSync(bytes);
      const body = JSON.parse(new TextDecoder().decode(bytes));
      for (const rs of body.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? "",
              name: s.name,
              kind: s.kind,
              attributes: attributes(s.attributes),
              status: s.status ?? {},
              resource,
            });
      }
      return Response.json({});
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    spans,
    get posts() {
      return posts;
    },
    get lastHeaders() {
      return lastHeaders;
    },
    async waitFor(pred, ms = 5000) {
      const until = Date.now() + ms;
      while (!pred(spans)) {
        if (Date.now() > until)
          throw new Error(`spans not received in ${ms} ms: ${spans.map((s) => s.name).join(", ")}`);
        await Bun.sleep(20);
      }
      return spans;
    },
    async stop() {
      for (const release of hanging) release();
      await server.stop(true);
    },
  };
}
