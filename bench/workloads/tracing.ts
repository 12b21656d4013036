// Workload 7: non-streaming /api/chat at 64 connections through the proxy with tracing on (every
// request sampled, exported to a local OTLP receiver the bench starts) and off, in the same rounds.
import path from "node:path";
import { type LoadSample, loadCase } from "../lib/load.ts";
import { startHelper, startProxy } from "../lib/processes.ts";
import { interleave, type Samples } from "../lib/rounds.ts";
import type { RunContext } from "../lib/run-context.ts";
import { launchOf } from "../lib/subjects.ts";
import { SMALL_CHAT } from "./requests.ts";

export const TRACING_CONNECTIONS = 64;
export const TRACING_OFF = "proxy, tracing off";
export const TRACING_ON = "proxy, tracing on (always_on → local OTLP)";

export interface TracingResult {
  samples: Samples<LoadSample>;
  /** Spans the receiver got, and the ones the proxy says it dropped. */
  spansReceived: number;
  spansDropped: number;
}

export async function runTracing(ctx: RunContext): Promise<TracingResult> {
  ctx.progress(
    `workload 7: non-streaming /api/chat with tracing on vs off, concurrency ${TRACING_CONNECTIONS}`,
  );
  const [off] = ctx.chain(["proxy"]);
  const sink = await startHelper("baselines/otlp-sink.ts");
  const base = launchOf("proxy", ctx.upstream.url, path.join(ctx.logDir, "proxy-traced.log"));
  const traced = await startProxy({
    ...base,
    args: [...base.args, "--otel-endpoint", sink.url, "--otel-sampler", "always_on"],
  });
  try {
    const cases = [
      { label: TRACING_OFF, url: off!.url, pid: off!.pid },
      { label: TRACING_ON, url: traced.url, pid: traced.pid },
    ].map((c) =>
      loadCase({
        ...c,
        url: `${c.url}/api/chat`,
        body: SMALL_CHAT,
        connections: TRACING_CONNECTIONS,
        duration: ctx.config.duration,
        warmup: ctx.config.warmup,
      }),
    );
    const samples = await interleave(cases, ctx.config.rounds);
    // The last batch leaves within a second of the last request.
    await Bun.sleep(1500);
    const { spans } = (await (await fetch(sink.url)).json()) as { spans: number };
    const metrics = await (await fetch(`${traced.url}/metrics`)).text();
    const dropped = metrics.split("\n").find((l) => l.startsWith("proxy_trace_spans_dropped_total "));
    return { samples, spansReceived: spans, spansDropped: Number(dropped?.split(" ")[1] ?? Number.NaN) };
  } finally {
    await traced.stop();
    await sink.stop();
  }
}
