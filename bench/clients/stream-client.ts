// Child process for workload 5: opens N streaming chats at once and reports how each one ended.
// Runs in its own process with BUN_CONFIG_MAX_HTTP_REQUESTS raised, or Bun's fetch would queue
// everything past 256 and the client, not the proxy, would set the concurrency.
export interface StreamClientJob {
  url: string;
  count: number;
  body: unknown;
  /** Content chunks each complete stream carries (a final `done` line comes after them). */
  chunks: number;
}

export interface StreamClientReport {
  completed: number;
  errors: number;
  /** A few error texts, to say what went wrong. */
  errorSamples: string[];
  wallMs: number;
  /** The fetch limit this client really ran with. */
  fetchLimit: string | null;
}

async function one(job: StreamClientJob, errors: string[]): Promise<boolean> {
  try {
    const res = await fetch(job.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(job.body),
    });
    const lines = (await res.text()).split("\n").filter((l) => l !== "");
    const last = JSON.parse(lines.at(-1) ?? "{}") as { done?: boolean; error?: string };
    if (res.status === 200 && last.done === true && lines.length === job.chunks + 1) return true;
    errors.push(
      `HTTP ${res.status}, ${lines.length} lines, last: ${last.error ?? JSON.stringify(last).slice(0, 80)}`,
    );
  } catch (err) {
    errors.push(String(err));
  }
  return false;
}

const job = JSON.parse(process.argv[2] ?? "{}") as StreamClientJob;
const errors: string[] = [];
const t0 = performance.now();
const outcomes = await Promise.all(Array.from({ length: job.count }, () => one(job, errors)));
const report: StreamClientReport = {
  completed: outcomes.filter(Boolean).length,
  errors: errors.length,
  errorSamples: [...new Set(errors)].slice(0, 5),
  wallMs: performance.now() - t0,
  fetchLimit: process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? null,
};
process.stdout.write(JSON.stringify(report));
