// Starts an agent worker and imports its module: the load phase, bounded by the import timeout.
// What the worker says after that, and how it ends, goes to the caller's handlers.
import type { FromWorker, LoadReport } from "./protocol.ts";
import { type WorkerExit, WorkerLink } from "./worker-link.ts";

export type LoadResult = { ok: true; report: LoadReport } | { ok: false; error: string };

export interface BootOptions {
  name: string;
  /** The module's absolute path, and its folder (import errors are told relative to it). */
  path: string;
  dir: string;
  importTimeoutMs: number;
  /** Only checking the module at start-up or reload: the worker runs at low priority. */
  background: boolean;
  /** Messages and the exit of a worker that loaded. */
  message(msg: FromWorker): void;
  exit(exit: WorkerExit): void;
}

/** The worker's entry runs before the agent's module: time to start a thread, not the agent's fault. */
const BOOT_MS = 10_000;

export interface Booting {
  link: WorkerLink;
  /** Settles once the module loaded, failed, or ran out of time; a failed worker is already ended. */
  loaded: Promise<LoadResult>;
  /** Gives up on a load in progress (the folder was reloaded meanwhile). */
  cancel(error: string): void;
}

export function bootWorker(opts: BootOptions): Booting {
  let settle: (result: LoadResult) => void = () => {};
  let loading = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(
      () => settle({ ok: false, error: `import did not finish within ${opts.importTimeoutMs} ms` }),
      ms,
    );
  };
  const link = new WorkerLink(opts.name, {
    message(msg) {
      if (!loading) return opts.message(msg);
      // The entry has run; from here on the clock measures the agent's own module.
      if (msg.t === "ready") arm(opts.importTimeoutMs);
      else if (msg.t === "loaded") settle({ ok: true, report: msg.report });
      else if (msg.t === "load-failed") settle({ ok: false, error: msg.error });
    },
    exit(exit) {
      if (!loading) return opts.exit(exit);
      const error = exit.error
        ? `the module failed while loading: ${exit.error}`
        : `the module called process.exit(${exit.code}) while loading`;
      settle({ ok: false, error });
    },
  });
  const loaded = new Promise<LoadResult>((resolve) => {
    settle = (result) => {
      if (!loading) return;
      loading = false;
      clearTimeout(timer);
      if (!result.ok) link.terminate();
      resolve(result);
    };
  });
  arm(opts.importTimeoutMs + BOOT_MS);
  link.post({ t: "load", path: opts.path, dir: opts.dir, background: opts.background });
  return { link, loaded, cancel: (error) => settle({ ok: false, error }) };
}
