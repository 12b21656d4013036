// Entry point: raise Bun's fetch concurrency limit first (may relaunch the process), then start.
import { ensureFetchConcurrency } from "./runtime/fetch-concurrency.ts";

if (ensureFetchConcurrency()) {
  const { main } = await import("./main.ts");
  await main();
}
