// OpenTelemetry traces received by an OTLP/HTTP receiver started here: span names, parents and
// GenAI attributes; an incoming traceparent continued and passed upstream; a collector that is down
// or hangs changes nothing for clients.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../helpers/otlp-receiver.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.stop();
});

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

const chat = (proxy: TestProxy, content: string, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: {
      "x-fake-prompt-eval-count": "37",
      "x-fake-eval-count": "11",
      ...headers,
    },
    body: JSON.stringify({
      model: "llama3.2",
      options: { temperature: 0.25, num_predict: 64 },
      messages: [{ role: "user", content }],
    }),
  });

describe("with a collector", () => {
  let receiver: OtlpReceiver;
  let proxy: TestProxy;
  beforeAll(async () => {
    receiver = startOtlpReceiver();
    proxy = await startProxy({
      upstreamUrl: fake.url,
      settings: {
        otelEndpoint: receiver.url,
        otelServiceName: "proxy-under-test",
        otelHeaders: { authorization: "Bearer collector-token" },
      },
      tuning: { traceExportDelayMs: 20 },
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await receiver.stop();
  });

  test("a streamed chat with an agent chain: one trace, the request span, a span per hook and the upstream call", async () => {
    const res = await chat(proxy, "/concise /redact hi a@b.org", {
      traceparent: `00-${TRACE}-${PARENT}-01`,
    });
    expect(res.status).toBe(200);
    await res.text();
    const spans = await receiver.waitFor((all) => all.some((s) => s.traceId === TRACE && s.kind === 2));
    const mine = spans.filter((s) => s.traceId === TRACE);
    const root = mine.find((s) => s.kind === 2) as ReceivedSpan;
    expect(root.name).toBe("POST /api/chat");
    expect(root.parentSpanId).toBe(PARENT);
    expect(root.resource["service.name"]).toBe("proxy-under-test");
    expect(receiver.lastHeaders?.get("authorization")).toBe("Bearer collector-token");
    expect(root.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "proxy.agents": ["concise", "redact"],
    });
    const children = mine.filter((s) => s.parentSpanId === root.spanId).map((s) => s.name);
    expect(children.sort()).toEqual(
      [
        "agent concise onRequest",
        "agent redact transformResponse",
        `chat ${root.attributes["gen_ai.response.model"]}`,
      ].sort(),
    );
    const call = mine.find((s) => s.kind === 3) as ReceivedSpan;
    expect(call.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "ollama",
      "gen_ai.request.stream": true,
      "gen_ai.request.temperature": 0.25,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.usage.input_tokens": 37,
      "gen_ai.usage.output_tokens": 11,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(call.attributes["gen_ai.request.model"]).toBe(call.attributes["gen_ai.response.model"]);
    expect(typeof call.attributes["gen_ai.response.time_to_first_chunk"]).toBe("number");
    // No text unless content capture is on.
    expect(Object.keys(call.attributes).filter((k) => k.includes("messages"))).toEqual([]);
    // The upstream was handed this trace, with the upstream call's span as its parent.
    const upstream = fake.requests.findLast((r) => r.path === "/api/chat");
    expect(upstream?.headers.traceparent).toBe(`00-${TRACE}-${call.spanId}-01`);
  });

  test("an incoming traceparent that says not sampled is followed (parentbased_always_on)", async () => {
    const unsampled = "5bf92f3577b34da6a3ce929d0e0e4736";
    await (await chat(proxy, "hi", { traceparent: `00-${unsampled}-${PARENT}-00` })).text();
    // A sampled request after it: once its spans are in, the batch with the first one would be too.
    await (await chat(proxy, "hi", { traceparent: `00-${TRACE.replace("4b", "6b")}-${PARENT}-01` })).text();
    await receiver.waitFor((all) => all.some((s) => s.traceId === TRACE.replace("4b", "6b") && s.kind === 2));
    expect(receiver.spans.some((s) => s.traceId === unsampled)).toBe(false);
    // The upstream still hears of the trace, unsampled.
    expect(fake.requests.some((r) => r.headers.traceparent?.startsWith(`00-${unsampled}-`))).toBe(true);
  });

  test("an agent's own model calls are spans of the request too", async () => {
    const res = await chat(proxy, "/critique what is 2+2?");
    await res.text();
    const spans = await receiver.waitFor((all) =>
      all.some((s) => s.name === "agent critique run" && all.some((r) => r.spanId === s.parentSpanId)),
    );
    const run = spans.find((s) => s.name === "agent critique run") as ReceivedSpan;
    const calls = spans.filter(
      (s) => s.traceId === run.traceId && s.attributes["proxy.agent.name"] === "critique" && s.kind === 3,
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.parentSpanId).toBe(run.parentSpanId);
  });
});

describe("a collector that is down or hangs changes nothing for clients", () => {
  for (const mode of ["down", "hangs"] as const) {
    test(mode, async () => {
      const receiver = startOtlpReceiver({ hang: mode === "hangs" });
      if (mode === "down") await receiver.stop();
      const proxy = await startProxy({
        upstreamUrl: fake.url,
        settings: { otelEndpoint: receiver.url },
        tuning: { traceExportDelayMs: 10, traceExportTimeoutMs: 300 },
      });
      try {
        for (let i = 0; i < 20; i++) {
          const res = await chat(proxy, `hello ${i}`, { "x-fake-chunks": "3" });
          expect(res.status).toBe(200);
          expect((await res.text()).trim().split("\n").at(-1)).toContain('"done":true');
        }
        if (mode === "hangs") await waitUntil(() => receiver.posts > 0);
        const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
        expect(metrics).toContain("proxy_trace_spans_dropped_total");
        if (mode === "down") {
          await waitUntil(async () => dropped(await (await fetch(`${proxy.url}/metrics`)).text()) > 0);
        }
      } finally {
        await proxy.stop();
        if (mode === "hangs") await receiver.stop();
      }
    });
  }
});

function dropped(metrics: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith("proxy_trace_spans_dropped_total "));
  return Number(line?.split(" ")[1] ?? 0);
}

async function waitUntil(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

test("with tracing off, a client's traceparent reaches the upstream as it was sent", async () => {
  const proxy = await startProxy({ upstreamUrl: fake.url });
  try {
    const sent = `00-${TRACE}-${PARENT}-01`;
    await (await chat(proxy, "hi", { traceparent: sent })).text();
    expect(fake.requests.findLast((r) => r.path === "/api/chat")?.headers.traceparent).toBe(sent);
  } finally {
    await proxy.stop();
  }
});

test("prompt and completion text are in the spans only when content capture is on", async () => {
  const receiver = startOtlpReceiver();
  const proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { otelEndpoint: receiver.url, otelCaptureContent: true },
    tuning: { traceExportDelayMs: 20 },
  });
  try {
    for (const stream of [true, false]) {
      const res = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({
          model: "llama3.2",
          stream,
          messages: [{ role: "user", content: `tell me ${stream}` }],
        }),
      });
      await res.text();
    }
    // The fast path too (native routes, no agent: the upstream's bytes are relayed unread).
    for (const stream of [true, false]) {
      const res = await fetch(`${proxy.url}/api/chat`, {
        method: "POST",
        body: JSON.stringify({
          model: "llama3.2",
          stream,
          messages: [{ role: "user", content: `native ${stream}` }],
        }),
      });
      expect(res.status).toBe(200);
      const body = await res.text();
      // Relayed as Ollama sent it: one line per word when streamed, one object otherwise.
      expect(body.trim().split("\n").length).toBe(stream ? 5 : 1);
      const generated = await fetch(`${proxy.url}/api/generate`, {
        method: "POST",
        body: JSON.stringify({ model: "llama3.2", stream, prompt: `prompt ${stream}` }),
      });
      await generated.text();
    }
    const spans = await receiver.waitFor((all) => all.filter((s) => s.kind === 3).length === 6);
    for (const [said, stream] of [
      ["tell me", true],
      ["tell me", false],
      ["native", true],
      ["native", false],
      ["prompt", true],
      ["prompt", false],
    ] as const) {
      const call = spans.find(
        (s) => s.kind === 3 && String(s.attributes["gen_ai.input.messages"]).includes(`${said} ${stream}`),
      );
      expect(call, `${said} ${stream}`).toBeDefined();
      const output = JSON.parse(String(call?.attributes["gen_ai.output.messages"]));
      expect(output).toEqual([
        { role: "assistant", parts: [{ type: "text", content: `You said: ${said} ${stream}` }] },
      ]);
    }
  } finally {
    await proxy.stop();
    await receiver.stop();
  }
});
