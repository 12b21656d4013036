// Workload 4: time to first byte of a streaming answer whose first chunk the upstream sends at once,
// without an agent and with one (a request-only agent, and one that transforms every chunk).

import { TTFB_MODEL } from "../lib/models.ts";
import type { RunContext } from "../lib/run-context.ts";
import { percentile } from "../lib/stats.ts";
import { agentsMissing } from "./stream-check.ts";

/** Milliseconds from sending the request to the first body bytes, per subject. */
export interface TtfbResult {
  requests: number;
  p50: Record<string, number>;
  p99: Record<string, number>;
  /** Cases that could not be measured, with the reason (an agent not loaded). */
  missing?: Record<string, string>;
}

/** The agent cases: `/concise` only rewrites the request, `/redact` transforms every chunk. */
export const TTFB_AGENT_CASES = { "proxy + /concise": "concise", "proxy + /redact": "redact" } as const;

/** Two chunks 5 ms apart: the first answers the question, the gap keeps it alone on the wire. */
const body = (content: string) =>
  JSON.stringify({ model: TTFB_MODEL, stream: true, messages: [{ role: "user", content }] });

async function firstByteMs(url: string, payload: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: payload,
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

interface TtfbCase {
  label: string;
  url: string;
  payload: string;
}

export async function runTtfb(ctx: RunContext): Promise<TtfbResult> {
  ctx.progress(`workload 4: time to first byte, ${ctx.config.ttfbRequests} requests each`);
  const endpoints = ctx.chain(["direct", "floor", "proxy"]);
  const cases: TtfbCase[] = endpoints.map((e) => ({
    label: e.label,
    url: `${e.url}/api/chat`,
    payload: body("Hi"),
  }));
  const proxy = endpoints.find((e) => e.label === "proxy")!;
  const missing: Record<string, string> = {};
  for (const [label, agent] of Object.entries(TTFB_AGENT_CASES)) {
    const why = await agentsMissing(proxy.url, agent);
    if (why) missing[label] = why;
    else cases.push({ label, url: `${proxy.url}/api/chat`, payload: body(`/${agent} Hi`) });
  }
  const samples: Record<string, number[]> = {};
  for (const c of cases) {
    samples[c.label] = [];
    for (let i = 0; i < 20; i++) await firstByteMs(c.url, c.payload); // warm-up
  }
  // Request by request in turn, so every case sees the same moments of the machine.
  for (let i = 0; i < ctx.config.ttfbRequests; i++) {
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(i + j) % cases.length]!;
      samples[c.label]!.push(await firstByteMs(c.url, c.payload));
    }
  }
  const p50: Record<string, number> = {};
  const p99: Record<string, number> = {};
  for (const [label, list] of Object.entries(samples)) {
    p50[label] = percentile(list, 50);
    p99[label] = percentile(list, 99);
  }
  return { requests: ctx.config.ttfbRequests, p50, p99, ...(Object.keys(missing).length ? { missing } : {}) };
}
