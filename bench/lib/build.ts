// Builds the compiled binary with the project's own `bun run build`, timing it.
import { ROOT } from "./processes.ts";

export interface BuildResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export function buildBinary(): BuildResult {
  const t0 = performance.now();
  const run = Bun.spawnSync([process.execPath, "run", "build"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const ms = performance.now() - t0;
  if (run.exitCode === 0) return { ok: true, ms };
  const output = `${run.stdout.toString()}${run.stderr.toString()}`.trim().split("\n").slice(-5).join(" ");
  return { ok: false, ms, error: output };
}
