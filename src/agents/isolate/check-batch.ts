// Checks one pass's agent files in a process of its own (check-main.ts): each file is imported in a
// worker there and only its report comes back. An agent's own thread starts in the proxy when a
// request first needs it, so threads that only checked a module never hold memory in the proxy.
import { join } from "node:path";
import type { Subprocess } from "bun";
import { checkCommandLine } from "./check-command.ts";
import type { LoadResult } from "./worker-boot.ts";

export interface CheckJob {
  dir: string;
  importTimeoutMs: number;
  files: { file: string; path: string }[];
}

/** One file's outcome, sent by the checking process. */
export interface CheckReply {
  file: string;
  result: LoadResult;
}

export interface CheckBatch {
  /** The file's import and report; null when no checking process could start (check it in-process). */
  result(file: string): Promise<LoadResult> | null;
  /** Stops checking (a newer pass replaced this one, or the proxy stops): files not reported fail. */
  close(): void;
}

/** Time for a checking process itself to start and end, on top of the files' own import timeout. */
const PROCESS_MS = 15_000;

export function checkBatch(dir: string, files: string[], importTimeoutMs: number): CheckBatch {
  const waiting = new Map<string, (result: LoadResult) => void>();
  const results = new Map<string, Promise<LoadResult>>();
  for (const file of files) results.set(file, new Promise((resolve) => waiting.set(file, resolve)));
  const settle = (file: string, result: LoadResult) => {
    const resolve = waiting.get(file);
    waiting.delete(file);
    resolve?.(result);
  };
  const fail = (file: string, error: string) => settle(file, { ok: false, error });
  const children = new Set<Subprocess>();
  let closed = false;

  /** Checks `batch` in a new process; false when none can start. */
  function run(batch: string[]): boolean {
    let child: Subprocess;
    try {
      child = Bun.spawn(checkCommandLine(), {
        // The agents' own output while they load (console.log at the top level) shows as it would in the proxy.
        stdio: ["ignore", "inherit", "inherit"],
        serialization: "json",
        ipc: (message) => {
          const reply = message as CheckReply;
          if (typeof reply?.file === "string" && typeof reply.result?.ok === "boolean")
            settle(reply.file, reply.result);
        },
      });
    } catch {
      return false;
    }
    children.add(child);
    const job: CheckJob = {
      dir,
      importTimeoutMs,
      files: batch.map((file) => ({ file, path: join(dir, file) })),
    };
    child.send(job);
    let late = false;
    const limit = importTimeoutMs + PROCESS_MS;
    const timer = setTimeout(() => {
      late = true;
      child.kill("SIGKILL");
    }, limit);
    timer.unref();
    void child.exited.then(() => {
      clearTimeout(timer);
      children.delete(child);
      const left = batch.filter((file) => waiting.has(file));
      if (closed || !left.length) return;
      if (late) {
        for (const file of left) fail(file, `not checked within ${limit} ms`);
        return;
      }
      // One of them ended the process while it loaded: each gets a process of its own, so that only
      // the one to blame fails.
      if (left.length > 1) {
        for (const file of left) if (!run([file])) fail(file, "the process checking it could not start");
        return;
      }
      const how = child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
      fail(left[0] as string, `the module ended the process that checked it while loading (${how})`);
    });
    return true;
  }

  const started = files.length > 0 && run(files);
  return {
    result: (file) => (started ? (results.get(file) ?? null) : null),
    close() {
      closed = true;
      for (const child of children) child.kill("SIGKILL");
      for (const file of [...waiting.keys()])
        fail(file, "the agents folder was reloaded while this file loaded");
    },
  };
}
