// Starts and stops the processes a run measures: helper servers that print their port, and the proxy.
import path from "node:path";

/** The repository root, so the bench runs the same from any working directory. */
export const ROOT = path.resolve(import.meta.dir, "../..");
/** Bun's default fetch cap is 256 concurrent requests; package.json's `start` raises it like this. */
export const RAISED_FETCH_LIMIT = { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" };

export interface Running {
  pid: number;
  url: string;
  proc: Bun.Subprocess;
  stop(): Promise<void>;
}

function stopper(proc: Bun.Subprocess) {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    const killed = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await proc.exited;
    clearTimeout(killed);
  };
}

/** Runs a bench helper (fake upstream, floor, trivial server) and waits for its `{"port"}` line. */
export async function startHelper(script: string, env: Record<string, string> = {}): Promise<Running> {
  const proc = Bun.spawn([process.execPath, path.join(ROOT, "bench", script)], {
    cwd: ROOT,
    env: { ...process.env, ...RAISED_FETCH_LIMIT, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${script} exited before printing its port`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const { port } = JSON.parse(text.slice(0, text.indexOf("\n"))) as { port: number };
  return { pid: proc.pid, url: `http://127.0.0.1:${port}`, proc, stop: stopper(proc) };
}

/** A port free right now (the OS picks it); the proxy is then told to listen there. */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

export interface ProxyLaunch {
  /** The command and its arguments before the proxy's own flags. */
  command: string[];
  args: string[];
  env: Record<string, string | undefined>;
  /** Where stderr (the JSON log) goes: a file, as a user's redirect or journald would take it. */
  logFile: string;
  /** Path polled until it answers 2xx; the time until then is the start-up time. */
  readyPath: string;
}

export interface RunningProxy extends Running {
  /** Spawn → first successful answer on `readyPath`, in ms. */
  readyMs: number;
}

export async function startProxy(launch: ProxyLaunch, timeoutMs = 15_000): Promise<RunningProxy> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = Bun.spawn([...launch.command, ...launch.args, "--port", String(port)], {
    cwd: ROOT,
    env: launch.env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: Bun.file(launch.logFile),
  });
  for (;;) {
    const ok = await fetch(url + launch.readyPath).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (proc.exitCode !== null) throw new Error(`${launch.command.join(" ")} exited; see ${launch.logFile}`);
    if (performance.now() - t0 > timeoutMs) {
      proc.kill("SIGKILL");
      throw new Error(`${launch.command.join(" ")} not ready after ${timeoutMs} ms; see ${launch.logFile}`);
    }
    await Bun.sleep(1);
  }
  return { pid: proc.pid, url, proc, readyMs: performance.now() - t0, stop: stopper(proc) };
}

/** The proxy's own "listening" log line (it reports `startupMs` from its process start). */
export async function listeningLine(logFile: string): Promise<Record<string, unknown> | null> {
  const text = await Bun.file(logFile)
    .text()
    .catch(() => "");
  for (const line of text.split("\n")) {
    if (!line.includes('"listening"')) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      // a torn line: keep looking
    }
  }
  return null;
}
