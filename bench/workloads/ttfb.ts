// Workload 4: time to first byte of a streaming answer whose first chunk the upstream sends at once.

import { TTFB_MODEL } from "../lib/models.ts";
import type { RunContext } from "../lib/run-context.ts";
import { percentile } from "../lib/stats.ts";

/** Milliseconds from sending the request to the first body bytes, per subject. */
export interface TtfbResult {
  requests: number;
  p50: Record<string, number>;
  p99: Record<string, number>;
}

/** Two chunks 5 ms apart: the first answers the question, the gap keeps it alone on the wire. */
const BODY = JSON.stringify({
  model: TTFB_MODEL,
  stream: true,
  messages: [{ role: "user", content: "Hi" }],
});

async function firstByteMs(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: BODY,
  });
  const reader = res.body!.getReader();
  const first = await reader.read();
  const ms = performance.now() - t0;
  if (res.status !== 200 || first.done) throw new Error(`TTFB request to ${url} answered ${res.status}`);
  while (!(await reader.read()).done) {
    // drain, so the connection is reused for the next request
  }
  return ms;
}

export async function runTtfb(ctx: RunContext): Promise<TtfbResult> {
  ctx.progress(`workload 4: time to first byte, ${ctx.config.ttfbRequests} requests each`);
  const endpoints = ctx.chain(["direct", "floor", "proxy"]);
  const samples: Record<string, number[]> = {};
  for (const e of endpoints) {
    samples[e.label] = [];
    for (let i = 0; i < 20; i++) await firstByteMs(`${e.url}/api/chat`); // warm-up
  }
  // Request by request in turn, so every subject sees the same moments of the machine.
  for (let i = 0; i < ctx.config.ttfbRequests; i++) {
    for (let j = 0; j < endpoints.length; j++) {
      const e = endpoints[(i + j) % endpoints.length]!;
      samples[e.label]!.push(await firstByteMs(`${e.url}/api/chat`));
    }
  }
  const p50: Record<string, number> = {};
  const p99: Record<string, number> = {};
  for (const [label, list] of Object.entries(samples)) {
    p50[label] = percentile(list, 50);
    p99[label] = percentile(list, 99);
  }
  return { requests: ctx.config.ttfbRequests, p50, p99 };
}
