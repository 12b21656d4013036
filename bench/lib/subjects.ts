// How each measured process is launched: the floor, the proxy as `bun run start` runs it, and the binary.
import path from "node:path";
import { type ProxyLaunch, RAISED_FETCH_LIMIT, ROOT } from "./processes.ts";

export type SubjectName = "floor" | "proxy" | "proxy-nolog" | "binary";

export const BINARY = path.join(ROOT, "dist", "ollama-smart-proxy");

/**
 * A clean environment, so a LOG_LEVEL or OLLAMA_URL in the caller's shell cannot change what is
 * measured: the proxy runs with the defaults a new user gets.
 */
function baseEnv(): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: process.env.LANG,
  };
}

export function launchOf(name: SubjectName, upstreamUrl: string, logFile: string): ProxyLaunch {
  const upstream = ["--ollama-url", upstreamUrl];
  switch (name) {
    case "floor":
      return {
        command: [process.execPath, path.join(ROOT, "bench/baselines/floor-proxy.ts")],
        args: upstream,
        env: { ...baseEnv(), ...RAISED_FETCH_LIMIT },
        logFile,
        readyPath: "/api/version",
      };
    case "proxy":
    case "proxy-nolog":
      // `bun run start` is `BUN_CONFIG_MAX_HTTP_REQUESTS=65535 bun src/index.ts`; started directly so
      // the pid measured is the proxy's and not a `bun run` wrapper's.
      return {
        command: [process.execPath, path.join(ROOT, "src/index.ts")],
        args: name === "proxy" ? upstream : [...upstream, "--access-log", "false"],
        env: { ...baseEnv(), ...RAISED_FETCH_LIMIT },
        logFile,
        readyPath: "/health/live",
      };
    case "binary":
      // Users start the binary without the variable; it raises the limit itself by re-exec (same pid).
      return { command: [BINARY], args: upstream, env: baseEnv(), logFile, readyPath: "/health/live" };
  }
}
