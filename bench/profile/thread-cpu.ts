// CPU seconds per thread of a process, by thread name: the JS profile sees only the main thread,
// while Bun runs fetch's HTTP client, GC and I/O on threads of their own.
import { readdirSync, readFileSync } from "node:fs";

const TICKS = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

export function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat = "";
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended between listing and reading
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
    // Pools have many threads of one name; their sum is what matters.
    const key = name.replace(/\d+$/, "#");
    byName.set(key, (byName.get(key) ?? 0) + seconds);
  }
  return byName;
}

/** after − before, per thread name, dropping threads that did not run. */
export function threadDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, seconds] of after) {
    const d = seconds - (before.get(name) ?? 0);
    if (d > 0) delta[name] = Math.round(d * 100) / 100;
  }
  return delta;
}
