// Describes the machine and tools of a run, for the results file: figures only compare within one machine.
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  bun: string;
  wrk: string;
  date: string;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function wrkVersion(): string {
  // `wrk -v` prints its version and then usage, exiting 1.
  const out = Bun.spawnSync(["wrk", "-v"]).stdout.toString();
  return out.split("\n")[0]?.split(" Copyright")[0]?.trim() || "unknown";
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    bun: `${Bun.version} (${Bun.revision.slice(0, 9)})`,
    wrk: wrkVersion(),
    date: new Date().toISOString(),
  };
}
