// Workload 5: 1,000 slow streams held at once through each subject, each freshly started.
import path from "node:path";
import type { StreamClientJob, StreamClientReport } from "../clients/stream-client.ts";
import { streamModel } from "../lib/models.ts";
import { connectionsTo, peakRssMb } from "../lib/proc-stats.ts";
import { RAISED_FETCH_LIMIT, ROOT, startProxy } from "../lib/processes.ts";
import type { Label, RunContext } from "../lib/run-context.ts";
import { launchOf, type SubjectName } from "../lib/subjects.ts";

export interface ManyStreamsEntry extends StreamClientReport {
  /** Most streams the fake upstream was serving at one moment. */
  upstreamStreamsPeak: number;
  /** Most connections from the subject (for direct: the client) to the upstream at one moment (sampled every 50 ms). */
  upstreamConnectionsPeak: number;
  /** The subject's peak resident memory (kernel high-water mark), MB; NaN for direct. */
  peakRssMb: number;
}

export type ManyStreamsResult = Partial<Record<Label, ManyStreamsEntry | { missing: string }>>;

export async function runManyStreams(ctx: RunContext, subjects: SubjectName[]): Promise<ManyStreamsResult> {
  const { slowStreams, slowChunks, slowGapMs } = ctx.config;
  ctx.progress(
    `workload 5: ${slowStreams} streams of ${slowChunks} chunks ${slowGapMs} ms apart, held at once`,
  );
  const result: ManyStreamsResult = { direct: await hold(ctx, ctx.upstream.url, null) };
  for (const name of subjects) {
    try {
      const logFile = path.join(ctx.logDir, `${name}-many-streams.log`);
      const subject = await startProxy(launchOf(name, ctx.upstream.url, logFile));
      try {
        result[name] = await hold(ctx, subject.url, subject.pid);
      } finally {
        await subject.stop();
      }
    } catch (err) {
      result[name] = { missing: `broken: ${(err as Error).message}` };
    }
  }
  return result;
}

async function hold(ctx: RunContext, base: string, pid: number | null): Promise<ManyStreamsEntry> {
  const { slowStreams, slowChunks, slowGapMs } = ctx.config;
  const upstreamPort = Number(new URL(ctx.upstream.url).port);
  await control(`${ctx.upstream.url}/__bench/reset`);
  const job: StreamClientJob = {
    url: `${base}/api/chat`,
    count: slowStreams,
    chunks: slowChunks,
    body: { model: streamModel(slowChunks, slowGapMs), messages: [{ role: "user", content: "Hi" }] },
  };
  const client = Bun.spawn(
    [process.execPath, path.join(ROOT, "bench/clients/stream-client.ts"), JSON.stringify(job)],
    {
      env: { ...process.env, ...RAISED_FETCH_LIMIT },
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  let connectionsPeak = 0;
  const sampler = setInterval(() => {
    connectionsPeak = Math.max(connectionsPeak, connectionsTo(pid ?? client.pid, upstreamPort));
  }, 50);
  const out = await new Response(client.stdout).text();
  await client.exited;
  clearInterval(sampler);
  const report = JSON.parse(out) as StreamClientReport;
  const streams = (await control(`${ctx.upstream.url}/__bench/streams`)) as { peak: number };
  return {
    ...report,
    upstreamStreamsPeak: streams.peak,
    upstreamConnectionsPeak: connectionsPeak,
    peakRssMb: pid === null ? Number.NaN : peakRssMb(pid),
  };
}

/** The bench's own requests to the upstream close their connection, so only the subject's are counted. */
async function control(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { connection: "close" }, keepalive: false });
  return res.json();
}
