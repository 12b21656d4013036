// One markdown table per workload; each takes that workload's summary and the run's knobs.
import type { BenchConfig } from "../lib/config.ts";
import { AUTH_CONNECTIONS, AUTH_OFF } from "../workloads/auth-requests.ts";
import { FLEET_CONNECTIONS, ONE_UPSTREAM } from "../workloads/fleet.ts";
import { TRACING_CONNECTIONS, TRACING_OFF } from "../workloads/tracing.ts";
import { NATIVE_ROUTE, V1_CONNECTIONS } from "../workloads/v1-requests.ts";
import { n, name, table } from "./format.ts";
import type { Summary } from "./summary.ts";

type Has<K extends keyof Summary> = NonNullable<Summary[K]>;

export function requestsSection(r: Has<"requests">): string[] {
  const { c1, c64 } = r;
  return [
    "### 1. Non-streaming `POST /api/chat` (small body)",
    "",
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
  ];
}

export function v1RequestsSection(v: Has<"v1Requests">): string[] {
  const head = [
    `### 1b. Non-streaming \`/v1/chat/completions\` vs \`/api/chat\`, same proxy (\`bun run start\`), ${V1_CONNECTIONS} connections`,
    "",
  ];
  if ("missing" in v) return [...head, String(v.missing), ""];
  return [
    ...head,
    table(
      ["route", "req/s", "p50 ms", "p99 ms", "proxy CPU µs/req", "CPU vs /api/chat", "errors"],
      Object.entries(v).map(([label, row]) => [
        name(label),
        n(row.rps),
        n(row.p50Ms, 2),
        n(row.p99Ms, 2),
        n(row.cpuUsPerRequest, 0),
        label === NATIVE_ROUTE ? "—" : `${n(row.cpuVsReference, 2)}×`,
        String(row.errors),
      ]),
    ),
    "",
  ];
}

export function authRequestsSection(a: Has<"authRequests">): string[] {
  const head = [
    `### 1c. Non-streaming \`/api/chat\`, \`AUTH=keys\` (a key with a model glob and an rpm limit) vs \`AUTH=off\`, ${AUTH_CONNECTIONS} connections`,
    "",
  ];
  if ("missing" in a) return [...head, String(a.missing), ""];
  return [
    ...head,
    table(
      ["proxy", "req/s", "p50 ms", "p99 ms", "proxy CPU µs/req", "CPU vs AUTH=off", "errors"],
      Object.entries(a.rows).map(([label, row]) => [
        label,
        n(row.rps),
        n(row.p50Ms, 2),
        n(row.p99Ms, 2),
        n(row.cpuUsPerRequest, 0),
        label === AUTH_OFF ? "—" : `${n(row.cpuVsReference, 2)}×`,
        String(row.errors),
      ]),
    ),
    "",
    `req/s with keys ÷ without, median of the rounds: ${n(a.rpsVsOff, 2)}×`,
    "",
  ];
}

export function streamingSection(s: Has<"streaming">, cfg: BenchConfig): string[] {
  return [
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
      Object.entries(s).map(([label, row]) =>
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
  ];
}

export function ttfbSection(t: Has<"ttfb">): string[] {
  return [
    `### 4. Time to first byte (streaming, first chunk sent at once; ${t.requests} requests each)`,
    "",
    table(
      ["subject", "p50 ms", "p99 ms", "added p50 ms", "added vs floor's", "added vs no agent"],
      [
        ...Object.keys(t.p50).map((label) => [
          name(label),
          n(t.p50[label], 3),
          n(t.p99[label], 3),
          label === "direct" ? "—" : n(t.addedP50Ms[label], 3),
          label === "proxy" ? `${n(t.addedVsFloor, 2)}×` : "—",
          label in t.addedVsNoAgent ? `${n(t.addedVsNoAgent[label], 2)}×` : "—",
        ]),
        ...Object.entries(t.missing ?? {}).map(([label, why]) => [name(label), why, "", "", "", ""]),
      ],
    ),
    "",
  ];
}

export function manyStreamsSection(m: Has<"manyStreams">, cfg: BenchConfig): string[] {
  return [
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
      Object.entries(m).map(([label, e]) =>
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
  ];
}

export function startupSection(
  s: Has<"startup">,
  rssAfterLoadMb: Record<string, number>,
  cfg: BenchConfig,
): string[] {
  return [
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
      Object.entries(s.subjects).map(([label, e]) =>
        !e || "missing" in e
          ? [name(label), e?.missing ?? "not measured", "", "", ""]
          : [
              name(label),
              n(e.readyMs, 0),
              n(e.selfReportedMs, 0),
              n(e.idleRssMb, 1),
              n(rssAfterLoadMb[label], 1),
            ],
      ),
    ),
    "",
    `Compiled binary: ${s.binaryBytes === null ? "not built" : `${n(s.binaryBytes / 2 ** 20, 1)} MB`}.`,
    "",
  ];
}

export function tracingSection(t: Has<"tracing">): string[] {
  return [
    `### 7. Non-streaming \`/api/chat\` with OpenTelemetry tracing on and off, ${TRACING_CONNECTIONS} connections`,
    "",
    table(
      ["case", "req/s", "p50 ms", "p99 ms", "proxy CPU µs/req", "CPU vs off", "errors"],
      Object.entries(t.rows).map(([label, row]) => [
        label,
        n(row.rps),
        n(row.p50Ms, 2),
        n(row.p99Ms, 2),
        n(row.cpuUsPerRequest, 0),
        label === TRACING_OFF ? "—" : `${n(row.cpuVsReference, 2)}×`,
        String(row.errors),
      ]),
    ),
    "",
    `Tracing on ÷ off, req/s: ${n(t.rpsVsOff, 2)}×. Spans received by the local OTLP receiver: ${t.spansReceived}; dropped by the proxy: ${t.spansDropped}.`,
    "",
  ];
}

export function fleetSection(f: Has<"fleet">, cfg: BenchConfig): string[] {
  const out = [
    `### 8. Fleet: the proxy in front of three upstreams vs one, ${FLEET_CONNECTIONS} connections`,
    "",
  ];
  if ("missing" in f.cpu) out.push(String(f.cpu.missing), "");
  else
    out.push(
      table(
        ["subject", "req/s", "p50 ms", "p99 ms", "proxy CPU µs/req", "CPU vs one upstream", "errors"],
        Object.entries(f.cpu).map(([label, row]) => [
          label,
          n(row.rps),
          n(row.p50Ms, 2),
          n(row.p99Ms, 2),
          n(row.cpuUsPerRequest, 0),
          label === ONE_UPSTREAM ? "—" : `${n(row.cpuVsReference, 2)}×`,
          String(row.errors),
        ]),
      ),
      "",
    );
  const s = f.streams;
  out.push(
    `${cfg.slowStreams} slow streams (${cfg.slowChunks} chunks, ${cfg.slowGapMs} ms apart) through the fleet: ` +
      ("missing" in s
        ? s.missing
        : `${s.completed} completed, ${s.errors} errors${s.errors ? ` (${s.errorSamples[0] ?? ""})` : ""}, ` +
          `streams per upstream at peak ${s.upstreamStreamsPeak.join(" / ")}, peak RSS ${n(s.peakRssMb, 1)} MB, ` +
          `${n(s.wallMs / 1000, 2)} s.`),
    "",
  );
  return out;
}
