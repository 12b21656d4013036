// Workloads 2 and 3: streaming chats as fast as the upstream can, native and /v1, with and without an agent.
import { type LoadSample, loadCase } from "../lib/load.ts";
import { streamModel } from "../lib/models.ts";
import { type Case, interleave } from "../lib/rounds.ts";
import type { RunContext } from "../lib/run-context.ts";
import { checkStream, redactMissing } from "./stream-check.ts";

export type StreamCaseResult =
  | { samples: LoadSample[]; chunksPerRequest: number; agentChain: string | null }
  | { missing: string };

/** Case labels in report order; the first three make the native fast-path comparison. */
export const STREAM_CASES = [
  "direct",
  "floor",
  "proxy",
  "proxy + /redact",
  "proxy /v1",
  "proxy /v1 + /redact",
] as const;
export type StreamCaseLabel = (typeof STREAM_CASES)[number];

interface Spec {
  label: StreamCaseLabel;
  base: string;
  pid: number | null;
  path: "/api/chat" | "/v1/chat/completions";
  agent: boolean;
}

export async function runStreaming(ctx: RunContext): Promise<Record<StreamCaseLabel, StreamCaseResult>> {
  ctx.progress(`workloads 2-3: streaming ${ctx.config.streamChunks} chunks, native and /v1`);
  const [direct, floor, proxy] = ctx.chain(["direct", "floor", "proxy"]);
  const specs: Spec[] = [
    { label: "direct", base: direct!.url, pid: null, path: "/api/chat", agent: false },
    { label: "floor", base: floor!.url, pid: floor!.pid, path: "/api/chat", agent: false },
    { label: "proxy", base: proxy!.url, pid: proxy!.pid, path: "/api/chat", agent: false },
    { label: "proxy + /redact", base: proxy!.url, pid: proxy!.pid, path: "/api/chat", agent: true },
    { label: "proxy /v1", base: proxy!.url, pid: proxy!.pid, path: "/v1/chat/completions", agent: false },
    {
      label: "proxy /v1 + /redact",
      base: proxy!.url,
      pid: proxy!.pid,
      path: "/v1/chat/completions",
      agent: true,
    },
  ];
  const agentsMissing = await redactMissing(proxy!.url);
  const results = {} as Record<StreamCaseLabel, StreamCaseResult>;
  const cases: Case<LoadSample>[] = [];
  for (const spec of specs) {
    const body = chatBody(ctx.config.streamChunks, spec.agent);
    if (spec.agent && agentsMissing) {
      results[spec.label] = { missing: agentsMissing };
      continue;
    }
    const url = spec.base + spec.path;
    const check = await checkStream(url, body, spec.path === "/api/chat" ? "ndjson" : "sse");
    if (!check.ok) {
      results[spec.label] = { missing: `broken: ${check.reason}` };
      continue;
    }
    if (spec.agent && !check.agentChain?.includes("redact")) {
      results[spec.label] = {
        missing: "missing: agents not available (no x-agent-chain: redact on the answer)",
      };
      continue;
    }
    results[spec.label] = { samples: [], chunksPerRequest: check.chunks, agentChain: check.agentChain };
    cases.push(
      loadCase({
        label: spec.label,
        url,
        body,
        connections: ctx.config.streamConnections,
        duration: ctx.config.duration,
        warmup: ctx.config.warmup,
        pid: spec.pid,
      }),
    );
  }
  const samples = await interleave(cases, ctx.config.rounds);
  for (const [label, list] of Object.entries(samples)) {
    const entry = results[label as StreamCaseLabel];
    if (entry && "samples" in entry) entry.samples = list;
  }
  return results;
}

/** Both dialects take this body; `stream` is explicit because /v1 defaults to one JSON object. */
function chatBody(chunks: number, agent: boolean) {
  const text = "Tell me a story about a fox.";
  return {
    model: streamModel(chunks, 0),
    stream: true,
    messages: [{ role: "user", content: agent ? `/redact ${text}` : text }],
  };
}
