// The checking process (started by check-batch.ts): imports each agent file of the job in a worker
// of its own, as the proxy would, sends back each file's report over IPC, then ends. Whatever a file
// does while it loads (loops, exits, exhausts memory, kills its process) happens here, not in the proxy.
import type { CheckJob, CheckReply } from "./check-batch.ts";
import { lowerProcessPriority } from "./thread-priority.ts";
import { bootWorker } from "./worker-boot.ts";

export async function runCheck(): Promise<void> {
  lowerProcessPriority();
  if (!process.send) {
    process.stderr.write("this command is run by the proxy itself, to check agent files\n");
    process.exit(2);
  }
  const job = await new Promise<CheckJob>((resolve) =>
    process.once("message", (m) => resolve(m as CheckJob)),
  );
  await Promise.all(
    job.files.map(async ({ file, path }) => {
      const boot = bootWorker({
        name: `check ${file}`,
        path,
        dir: job.dir,
        importTimeoutMs: job.importTimeoutMs,
        background: true,
        // A loaded module is only reported: its worker ends right after.
        message: () => {},
        exit: () => {},
      });
      const result = await boot.loaded;
      boot.link.terminate();
      process.send?.({ file, result } satisfies CheckReply);
    }),
  );
  process.disconnect?.();
}
