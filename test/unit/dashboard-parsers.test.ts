// The dashboard's pure readers: Prometheus text into rates, SSE blocks into events, long series into chart buckets.
import { describe, expect, test } from "bun:test";
import { parseMetrics, pointBetween, sampleOf } from "../../src/ui/metrics.ts";
import { foldRequest, isDashboardRead } from "../../src/ui/requests-log.ts";
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
gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_token_type="input"} ${chats * 5}
gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_token_type="output"} ${chats * 10}
gen_ai_server_time_to_first_token_seconds_sum{gen_ai_operation_name="chat"} ${firstByteSum * 2}
gen_ai_server_time_to_first_token_seconds_count{gen_ai_operation_name="chat"} ${chats}
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
    // With the tab's /events stream open, that is one more of its own.
    expect(sampleOf(metrics(4, 0.2), 0, 2).inFlight).toBe(1);
  });

  test("two samples give rates and the mean first-byte time of the streams in between", () => {
    const p = pointBetween(sampleOf(metrics(4, 0.2), 0), sampleOf(metrics(8, 0.6), 2000));
    expect(p.requestsPerSecond).toBe(2);
    expect(p.ttfbMs).toBeCloseTo(100);
    // 40 output tokens in 2 s; first tokens took twice the first bytes' time here.
    expect(p.outputTokensPerSecond).toBe(20);
    expect(p.ttftMs).toBeCloseTo(200);
    // No stream in the interval: no time to show, rather than zero.
    expect(pointBetween(sampleOf(metrics(8, 0.6), 0), sampleOf(metrics(8, 0.6), 2000)).ttfbMs).toBeNull();
  });

  test("the fleet's queue: its length now, and the mean wait of the requests that left it in the interval", () => {
    const fleet = (queued: number, waited: number, sum: number) =>
      `proxy_fleet_queue_length ${queued}\nproxy_fleet_queue_wait_seconds_sum ${sum}\nproxy_fleet_queue_wait_seconds_count ${waited}\n`;
    const p = pointBetween(sampleOf(fleet(1, 2, 0.5), 0), sampleOf(fleet(3, 4, 1.5), 2000));
    expect(p.queued).toBe(3);
    expect(p.queueWaitMs).toBeCloseTo(500);
    expect(
      pointBetween(sampleOf(fleet(0, 4, 1.5), 0), sampleOf(fleet(0, 4, 1.5), 1000)).queueWaitMs,
    ).toBeNull();
    // A proxy without the fleet metrics: unknown, not zero.
    expect(sampleOf(metrics(1, 0.1), 0).queued).toBeNull();
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

describe("the requests tail", () => {
  const started = (id: string, route = "/api/chat", method = "POST") => ({
    type: "request.started",
    data: { type: "request.started", id, method, route, dialect: "ollama" },
    at: 1,
  });
  const finished = (id: string, extra: Record<string, unknown> = {}) => ({
    type: "request.finished",
    data: {
      type: "request.finished",
      record: { id, method: "POST", route: "/api/chat", status: 200, ...extra },
    },
    at: 2,
  });

  test("a start adds a running row that its finish completes in place", () => {
    let rows = foldRequest([], started("a"));
    rows = foldRequest(rows, started("b"));
    rows = foldRequest(rows, finished("a", { outputTokens: 3 }));
    expect(rows.map((r) => [r.id, r.running, r.record.outputTokens])).toEqual([
      ["b", true, undefined],
      ["a", false, 3],
    ]);
  });

  test("a finish whose start came before the tab subscribed is a row too; other events change nothing", () => {
    const rows = foldRequest([], finished("x"));
    expect(rows).toHaveLength(1);
    expect(foldRequest(rows, { type: "pull.progress", data: { model: "m" }, at: 3 })).toBe(rows);
  });

  test("the tail keeps the newest rows only", () => {
    let rows = foldRequest([], started("1"), 2);
    rows = foldRequest(rows, started("2"), 2);
    rows = foldRequest(rows, started("3"), 2);
    expect(rows.map((r) => r.id)).toEqual(["3", "2"]);
  });

  test("the dashboard's own reads are told apart from clients' requests", () => {
    expect(isDashboardRead({ method: "GET", route: "/metrics", dashboard: true })).toBe(true);
    expect(isDashboardRead({ method: "GET", route: "/ui/assets/chunk-1.js" })).toBe(true);
    // Another client's poll or model list is traffic like any other.
    expect(isDashboardRead({ method: "GET", route: "/metrics" })).toBe(false);
    expect(isDashboardRead({ method: "GET", route: "/api/tags" })).toBe(false);
    expect(isDashboardRead({ method: "POST", route: "/api/chat" })).toBe(false);
    expect(isDashboardRead({ method: "GET", route: "/v1/models" })).toBe(false);
  });
});
