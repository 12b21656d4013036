// How the proxy starts the process that checks agent files: its own entry (the binary, or
// src/index.ts under bun) with an internal command word, so it works from source and compiled alike.
import { fileURLToPath } from "node:url";

/** The first argument that makes the entry check agent files instead of starting a proxy. */
export const CHECK_COMMAND = "__check-agents";

/** The command line of a checking process. */
export function checkCommandLine(): string[] {
  // From source this file sits in src/agents/isolate/; compiled, every module is the binary itself.
  const here = import.meta.url;
  if (here.endsWith("/isolate/check-command.ts")) {
    return [process.execPath, fileURLToPath(new URL("../../index.ts", here)), CHECK_COMMAND];
  }
  return [process.execPath, CHECK_COMMAND];
}
