// Workload 6: launch → first served request, the proxy's own start-up figure, idle memory, binary size.
import { statSync } from "node:fs";
import path from "node:path";
import { rssMb } from "../lib/proc-stats.ts";
import { listeningLine, startProxy } from "../lib/processes.ts";
import type { RunContext } from "../lib/run-context.ts";
import { median } from "../lib/stats.ts";
import { BINARY, launchOf, type SubjectName } from "../lib/subjects.ts";

export interface StartupEntry {
  /** Median ms from spawn to the first 2xx answer on the ready path (/health/live; the floor: /api/version). */
  readyMs: number;
  readyMsRuns: number[];
  /** Median `startupMs` the proxy logs in its "listening" line (its own clock, from process start). */
  selfReportedMs: number | null;
  /** Median resident memory after start-up and a short idle pause, MB. */
  idleRssMb: number;
}

export interface StartupResult {
  subjects: Partial<Record<SubjectName, StartupEntry | { missing: string }>>;
  binaryBytes: number | null;
}

/** Long enough for start-up garbage to be collected, short enough to keep the run brisk. */
const IDLE_PAUSE_MS = 500;

export async function runStartup(ctx: RunContext, subjects: SubjectName[]): Promise<StartupResult> {
  ctx.progress(`workload 6: start-up and idle memory, ${ctx.config.startupRuns} launches each`);
  const runs: Record<string, { ready: number[]; self: number[]; rss: number[]; error?: string }> = {};
  for (const name of subjects) runs[name] = { ready: [], self: [], rss: [] };
  for (let i = 0; i < ctx.config.startupRuns; i++) {
    for (let j = 0; j < subjects.length; j++) {
      const name = subjects[(i + j) % subjects.length]!;
      const entry = runs[name]!;
      if (entry.error) continue;
      const logFile = path.join(ctx.logDir, `${name}-startup-${i}.log`);
      try {
        const p = await startProxy(launchOf(name, ctx.upstream.url, logFile));
        entry.ready.push(p.readyMs);
        await Bun.sleep(IDLE_PAUSE_MS);
        entry.rss.push(rssMb(p.pid));
        await p.stop();
        const self = (await listeningLine(logFile))?.startupMs;
        if (typeof self === "number") entry.self.push(self);
      } catch (err) {
        entry.error = (err as Error).message;
      }
    }
  }
  const result: StartupResult = { subjects: {}, binaryBytes: binarySize() };
  for (const name of subjects) {
    const r = runs[name]!;
    result.subjects[name] = r.error
      ? { missing: `broken: ${r.error}` }
      : {
          readyMs: median(r.ready),
          readyMsRuns: r.ready,
          selfReportedMs: r.self.length ? median(r.self) : null,
          idleRssMb: median(r.rss),
        };
  }
  return result;
}

function binarySize(): number | null {
  try {
    return statSync(BINARY).size;
  } catch {
    return null;
  }
}
