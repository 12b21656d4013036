// One agent worker thread: start it, post to it, hear from it, end it, and learn how it ended.
import type { FromWorker, ToWorker } from "./protocol.ts";
import { workerEntryUrl } from "./worker-url.ts";

/** How a worker ended without being asked to: an exit code, or an error nothing caught. */
export interface WorkerExit {
  code: number;
  error: string | null;
}

export interface LinkEvents {
  message(msg: FromWorker): void;
  exit(exit: WorkerExit): void;
}

export class WorkerLink {
  private readonly worker: Worker;
  private ended = false;
  private error: string | null = null;

  constructor(name: string, events: LinkEvents) {
    // Not ref'd: an agent's worker never keeps the proxy (or a test run) alive on its own.
    this.worker = new Worker(workerEntryUrl(), { name });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => events.message(event.data);
    this.worker.addEventListener("error", (event) => {
      const e = event as ErrorEvent;
      this.error = e.error instanceof Error ? e.error.message : oneLine(e.message);
    });
    this.worker.addEventListener("close", (event) => {
      if (this.ended) return;
      this.ended = true;
      events.exit({ code: (event as CloseEvent).code ?? 0, error: this.error });
    });
  }

  post(msg: ToWorker): void {
    if (!this.ended) this.worker.postMessage(msg);
  }

  /** Ends the thread wherever it is, even inside an endless loop. No exit event follows. */
  terminate(): void {
    if (this.ended) return;
    this.ended = true;
    this.worker.terminate();
  }
}

/** Bun's error events carry a code frame; the last line holds the message. */
function oneLine(text: string): string {
  // Bun's text is the source excerpt, a caret line, `error: <message>` and the stack: the message
  // is the line that says what went wrong, not the last stack frame.
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const said = lines.find((l) => /^\s*\w*error: /i.test(l));
  if (said) return said.trim().replace(/^error: /, "");
  return (lines.find((l) => !/^\s*at /.test(l) && !/^\s*\d+ \|/.test(l) && l.trim() !== "^") ?? text).trim();
}
