// Renders one profiled workload: thread CPU of floor vs proxy, then the proxy's JS hotspots.
import type { ProfileSummary } from "./cpu-profile.ts";

export interface ThreadRun {
  rps: number;
  requests: number;
  /** CPU seconds per thread name during the measured run. */
  threads: Record<string, number>;
}

const pct = (n: number) => `${n.toFixed(1)}%`;

function hotTable(title: string, rows: Array<{ name: string; share: number }>): string {
  const lines = rows.map((r) => `| ${pct(r.share)} | \`${r.name.replaceAll("|", "\\|")}\` |`);
  return [`**${title}**`, "", "| share | function |", "| ---: | --- |", ...lines, ""].join("\n");
}

/** "12,345 req/s, 84 µs CPU per request (bun 0.9 s, HTTP Client 0.3 s, …)" */
function threadLine(label: string, run: ThreadRun, chunks: number): string {
  const total = Object.values(run.threads).reduce((a, b) => a + b, 0);
  const units = run.requests * Math.max(1, chunks);
  const per = (total / units) * 1e6;
  const parts = Object.entries(run.threads)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(2)} s`);
  const unit = chunks > 0 ? "chunk" : "request";
  return `- ${label}: ${Math.round(run.rps).toLocaleString("en-US")} req/s, ${per.toFixed(2)} µs CPU per ${unit} — ${parts.join(", ")}`;
}

export function renderProfile(
  title: string,
  chunks: number,
  runs: { floor: ThreadRun; proxy: ThreadRun },
  profile: ProfileSummary,
): string {
  return [
    `## ${title}`,
    "",
    "CPU by thread (no profiler attached):",
    "",
    threadLine("floor", runs.floor, chunks),
    threadLine("proxy", runs.proxy, chunks),
    "",
    `JavaScript thread under \`bun --cpu-prof\` (${profile.samples} samples):`,
    "",
    hotTable("Self time", profile.self),
    hotTable("Self time, native frames charged to their JavaScript caller", profile.byCaller),
    hotTable("Inclusive time, project code", profile.inclusive),
    hotTable("Self time by file", profile.byFile),
  ].join("\n");
}
