// Entry point: raise Bun's fetch concurrency limit first (may relaunch the process), then start.
// The same entry, given the internal check command, is the process that checks agent files.
import { CHECK_COMMAND } from "./agents/isolate/check-command.ts";
import { ensureFetchConcurrency } from "./runtime/fetch-concurrency.ts";

if (process.argv[2] === CHECK_COMMAND) {
  const { runCheck } = await import("./agents/isolate/check-main.ts");
  await runCheck();
} else if (ensureFetchConcurrency()) {
  const { main } = await import("./main.ts");
  await main();
}
