// Renders a run as markdown: a header, one table per workload that ran, then the targets.
import type { BenchConfig } from "../lib/config.ts";
import type { MachineInfo } from "../lib/machine.ts";
import { n, table } from "./format.ts";
import {
  authRequestsSection,
  fleetSection,
  manyStreamsSection,
  requestsSection,
  startupSection,
  streamingSection,
  tracingSection,
  ttfbSection,
  v1RequestsSection,
} from "./sections.ts";
import type { Summary } from "./summary.ts";
import type { TargetCheck } from "./targets.ts";

export function renderMarkdown(
  s: Summary,
  targets: TargetCheck[],
  machine: MachineInfo,
  cfg: BenchConfig,
): string {
  const ceiling = s.ceiling
    ? `Load generator ceiling (wrk → trivial Bun server): ${n(s.ceiling.c1Rps)} req/s at c1, ${n(s.ceiling.c64Rps)} req/s at c64.`
    : "Load generator ceiling: not measured.";
  const out: string[] = [
    "## Benchmark: Ollama Smart Proxy vs direct and a minimal Bun proxy",
    "",
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB · Bun ${machine.bun} · ${machine.wrk} · ${machine.date}`,
    `Each figure: median of ${cfg.rounds} interleaved rounds of ${cfg.duration} (after ${cfg.warmup} warm-up). ${ceiling}`,
    "",
  ];
  if (cfg.only) out.push(`Partial run: BENCH_ONLY=${cfg.only.join(",")}.`, "");
  if (s.requests) out.push(...requestsSection(s.requests));
  if (s.v1Requests) out.push(...v1RequestsSection(s.v1Requests));
  if (s.authRequests) out.push(...authRequestsSection(s.authRequests));
  if (s.streaming) out.push(...streamingSection(s.streaming, cfg));
  if (s.ttfb) out.push(...ttfbSection(s.ttfb));
  if (s.tracing) out.push(...tracingSection(s.tracing));
  if (s.manyStreams) out.push(...manyStreamsSection(s.manyStreams, cfg));
  if (s.startup) out.push(...startupSection(s.startup, s.rssAfterLoadMb ?? {}, cfg));
  if (s.fleet) out.push(...fleetSection(s.fleet, cfg));
  const judged = targets.filter((t) => t.status !== "not run");
  const skipped = targets.length - judged.length;
  out.push(
    "### Targets",
    "",
    table(
      ["target", "measured", "status"],
      judged.map((t) => [t.target, t.measured, t.status === "met" ? "met" : `**${t.status}**`]),
    ),
    "",
  );
  if (skipped > 0) out.push(`${skipped} more targets not run (their workloads were left out).`, "");
  return out.join("\n");
}
