// Reads a process's CPU time and memory from /proc (Linux only), as the kernel accounts them.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { spawnSync } from "bun";

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every common Linux. */
const TICKS = Number(spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

/** User + system CPU seconds the process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the full line, so 11 and 12 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function statusField(pid: number, name: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Resident memory now, in MB. */
export function rssMb(pid: number): number {
  return statusField(pid, "VmRSS");
}

/** The kernel's high-water mark of resident memory since the process started, in MB. */
export function peakRssMb(pid: number): number {
  return statusField(pid, "VmHWM");
}

/** ESTABLISHED TCP connections from process `pid` to `port` (IPv4 and IPv6), via /proc/net and its fds. */
export function connectionsTo(pid: number, port: number): number {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return 0;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith("socket:[")) inodes.add(target.slice(8, -1));
    } catch {
      // closed between listing and reading
    }
  }
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  let count = 0;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      // Columns: sl, local, remote, state (01 = ESTABLISHED), …, inode (index 9).
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "01" && cols[2]?.endsWith(hexPort) && inodes.has(cols[9] ?? "")) count++;
    }
  }
  return count;
}
