// Lowers CPU priority (Linux), so work that only checks agent files yields the cores to the thread
// serving HTTP while the proxy starts or reloads its agents.
import { readdirSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/** The nice value of checking work: it still runs whenever a core is free. */
const BACKGROUND_NICE = 10;

/** The calling thread only (a worker that checks one file inside the proxy). */
export function lowerThreadPriority(): void {
  try {
    // /proc/thread-self names the calling thread ("<pid>/task/<tid>"); Linux's setpriority takes a
    // thread id and changes that thread alone.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, BACKGROUND_NICE);
  } catch {
    // Elsewhere (macOS, Windows) the worker keeps its priority: start-up is only a little slower.
  }
}

/** Every thread of this process, and so every thread it starts later (the checking process). */
export function lowerProcessPriority(): void {
  try {
    for (const tid of readdirSync("/proc/self/task")) setPriority(Number(tid), BACKGROUND_NICE);
  } catch {
    try {
      setPriority(BACKGROUND_NICE);
    } catch {
      // Not allowed here: the check runs at normal priority.
    }
  }
}
