// The dashboard's pure readers: Prometheus text into rates, SSE blocks into events, long series into chart buckets.
import { describe, expect, test } from "bun:test";
import { parseMetrics, pointBetween, sampleOf } from "../../src/ui/metrics.ts";
import { buckets } from "../../src/ui/series.ts";
import { parseBlock, sseEvents } from "../../src/ui/sse.ts";

const metrics = (chats: number, firstByteSum: number) => `# HELP proxy_requests_total Requests finished.
# TYPE proxy_requests_total counter
proxy_requests_total{route="/api/chat",method="POST",status="200"} ${chats}
proxy_requests_total{route="/metrics",method="GET",status="200"} ${chats * 10}
proxy_stream_first_byte_seconds_sum{route="/api/chat"} ${firstByteSum}
proxy_stream_first_byte_seconds_count{route="/api/chat"} ${chats}
proxy_request_outcomes_total{outcome="ok"} ${chats}
proxy_request_outcomes_total{outcome="upstream_error"} 2
proxy_agent_runs_total{agent="redact",outcome="ok"} 3
proxy_agent_runs_total{agent="redact",outcome="error"} 1
proxy_requests_in_flight 3
process_resident_memory_bytes 1000
`;

describe("metrics", () => {
  test("labels with escaped quotes are read whole", () => {
    const [s] = parseMetrics('x_total{a="say \\"hi\\"",b="2"} 5');
    expect(s).toEqual({ name: "x_total", labels: { a: 'say \\"hi\\"', b: "2" }, value: 5 });
  });

  test("a sample leaves out the dashboard's own polls and the poll in flight", () => {
    const s = sampleOf(metrics(4, 0.2), 0);
    expect(s).toMatchObject({ requests: 4, errors: 2, inFlight: 2, memory: 1000 });
    expect(s.agentRuns).toEqual({ redact: { total: 4, failed: 1 } });
  });

  test("two samples give rates and the mean first-byte time of the streams in between", () => {
    const p = pointBetween(sampleOf(metrics(4, 0.2), 0), sampleOf(metrics(8, 0.6), 2000));
    expect(p.requestsPerSecond).toBe(2);
    expect(p.ttfbMs).toBeCloseTo(100);
    // No stream in the interval: no time to show, rather than zero.
    expect(pointBetween(sampleOf(metrics(8, 0.6), 0), sampleOf(metrics(8, 0.6), 2000)).ttfbMs).toBeNull();
  });

  test("a restarted proxy's counters never chart as negative rates", () => {
    expect(
      pointBetween(sampleOf(metrics(8, 0.6), 0), sampleOf(metrics(1, 0.1), 2000)).requestsPerSecond,
    ).toBe(0);
  });
});

describe("server-sent events", () => {
  test("event name, multi-line data, comments and CRLF framing", async () => {
    const body = new Blob([
      ': keep-alive\r\n\r\nevent: request.finished\r\ndata: {"model":"llama3.2",\r\ndata: "status":200}\r\n\r\ndata: not json\n\n',
    ]).stream() as ReadableStream<Uint8Array<ArrayBuffer>>;
    const events = [];
    for await (const e of sseEvents(body)) events.push({ type: e.type, data: e.data });
    expect(events).toEqual([
      { type: "request.finished", data: { model: "llama3.2", status: 200 } },
      { type: "message", data: { text: "not json" } },
    ]);
  });

  test("an unnamed event takes its type from its data", () => {
    expect(parseBlock('data: {"type":"model.loaded","model":"qwen3"}')?.type).toBe("model.loaded");
  });
});

describe("chart buckets", () => {
  test("a long series is averaged into the chart's width; gaps stay gaps", () => {
    expect(buckets([1, 3, 5, 7], 2)).toEqual([2, 6]);
    expect(buckets([null, null, 4, 6], 2)).toEqual([null, 5]);
    expect(buckets([1, 2], 10)).toEqual([1, 2]);
  });
});
