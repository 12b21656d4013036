// Renders a run as markdown tables: one per workload, then the targets with met / not met.
import type { BenchConfig } from "../lib/config.ts";
import type { MachineInfo } from "../lib/machine.ts";
import { n, name, table } from "./format.ts";
import type { Summary } from "./summary.ts";
import type { TargetCheck } from "./targets.ts";

export function renderMarkdown(
  s: Summary,
  targets: TargetCheck[],
  machine: MachineInfo,
  cfg: BenchConfig,
): string {
  const out: string[] = [];
  out.push(
    "## Benchmark: Ollama Smart Proxy vs direct and a minimal Bun proxy",
    "",
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB · Bun ${machine.bun} · ${machine.wrk} · ${machine.date}`,
    `Each figure: median of ${cfg.rounds} interleaved rounds of ${cfg.duration} (after ${cfg.warmup} warm-up). ` +
      `Load generator ceiling (wrk → trivial Bun server): ${n(s.ceiling.c1Rps)} req/s at c1, ${n(s.ceiling.c64Rps)} req/s at c64.`,
    "",
    "### 1. Non-streaming `POST /api/chat` (small body)",
    "",
  );
  const { c1, c64 } = s.requests;
  out.push(
    table(
      [
        "subject",
        "c1 req/s",
        "c1 p50 ms",
        "c1 p99 ms",
        "c1 added p50 ms",
        "c64 req/s",
        "c64 p50 ms",
        "c64 p99 ms",
        "c64 vs floor",
        "CPU µs/req (c64)",
        "errors",
      ],
      Object.keys(c64).map((label) => {
        const a = c1[label];
        const b = c64[label]!;
        return [
          name(label),
          n(a?.rps),
          n(a?.p50Ms, 3),
          n(a?.p99Ms, 3),
          label === "direct" ? "—" : n(a?.addedP50Ms, 3),
          n(b.rps),
          n(b.p50Ms, 2),
          n(b.p99Ms, 2),
          label === "direct" ? "—" : `${n(b.rpsVsFloor, 2)}×`,
          n(b.cpuUsPerRequest, 0),
          String((a?.errors ?? 0) + b.errors),
        ];
      }),
    ),
    "",
    `### 2–3. Streaming chat, ${cfg.streamChunks} chunks as fast as the upstream sends them, ${cfg.streamConnections} connections`,
    "",
    table(
      [
        "case",
        "chunks/s",
        "CPU s per 100k chunks",
        "CPU vs floor",
        "p50 ms per stream",
        "chunks seen",
        "errors",
      ],
      Object.entries(s.streaming).map(([label, row]) =>
        "missing" in row
          ? [name(label), row.missing, "", "", "", "", ""]
          : [
              name(label),
              n(row.chunksPerS),
              n(row.cpuSPer100k, 3),
              label === "direct" ? "—" : `${n(row.cpuVsFloor, 2)}×`,
              n(row.p50Ms, 1),
              String(row.chunksSeen),
              String(row.errors),
            ],
      ),
    ),
    "",
    `### 4. Time to first byte (streaming, first chunk sent at once; ${s.ttfb.requests} requests each)`,
    "",
    table(
      ["subject", "p50 ms", "p99 ms", "added p50 ms"],
      Object.keys(s.ttfb.p50).map((label) => [
        name(label),
        n(s.ttfb.p50[label], 3),
        n(s.ttfb.p99[label], 3),
        label === "direct" ? "—" : n(s.ttfb.addedP50Ms[label], 3),
      ]),
    ),
    "",
    `### 5. ${cfg.slowStreams} concurrent slow streams (${cfg.slowChunks} chunks, ${cfg.slowGapMs} ms apart), fresh process each`,
    "",
    table(
      [
        "subject",
        "completed",
        "errors",
        "upstream streams at peak",
        "upstream connections at peak",
        "peak RSS MB",
        "wall s",
      ],
      Object.entries(s.manyStreams).map(([label, e]) =>
        !e || "missing" in e
          ? [name(label), e?.missing ?? "not measured", "", "", "", "", ""]
          : [
              name(label),
              String(e.completed),
              e.errors ? `${e.errors} (${e.errorSamples[0] ?? ""})` : "0",
              String(e.upstreamStreamsPeak),
              String(e.upstreamConnectionsPeak),
              n(e.peakRssMb, 1),
              n(e.wallMs / 1000, 2),
            ],
      ),
    ),
    "",
    `### 6. Start-up and memory (median of ${cfg.startupRuns} launches)`,
    "",
    table(
      [
        "subject",
        "launch → first served request ms",
        "self-reported startupMs",
        "idle RSS MB",
        "RSS after workloads 1–4 MB",
      ],
      Object.entries(s.startup.subjects).map(([label, e]) =>
        !e || "missing" in e
          ? [name(label), e?.missing ?? "not measured", "", "", ""]
          : [
              name(label),
              n(e.readyMs, 0),
              n(e.selfReportedMs, 0),
              n(e.idleRssMb, 1),
              n(s.rssAfterLoadMb[label], 1),
            ],
      ),
    ),
    "",
    `Compiled binary: ${s.startup.binaryBytes === null ? "not built" : `${n(s.startup.binaryBytes / 2 ** 20, 1)} MB`}.`,
    "",
    "### Targets",
    "",
    table(
      ["target", "measured", "status"],
      targets.map((t) => [t.target, t.measured, t.status === "met" ? "met" : `**${t.status}**`]),
    ),
    "",
  );
  return out.join("\n");
}
