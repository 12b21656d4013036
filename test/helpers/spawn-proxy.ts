// Runs the proxy as a real process (bun src/index.ts, or a compiled binary) and reads its log lines.
import path from "node:path";

export interface SpawnedProxy {
  url: string;
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** Parsed JSON log lines from stderr, growing while the process runs. */
  lines: Array<Record<string, unknown>>;
  listening: Record<string, unknown>;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export const ROOT = path.resolve(import.meta.dir, "../..");

/** `command` defaults to `bun src/index.ts`; env is the parent's minus the fetch limit unless given. */
export async function spawnProxy(opts: {
  args: string[];
  env?: Record<string, string | undefined>;
  command?: string[];
  timeoutMs?: number;
}): Promise<SpawnedProxy> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    BUN_CONFIG_MAX_HTTP_REQUESTS: undefined,
    ...opts.env,
  };
  const proc = Bun.spawn([...(opts.command ?? [process.execPath, "src/index.ts"]), ...opts.args], {
    cwd: ROOT,
    env: env as Record<string, string>,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: Array<Record<string, unknown>> = [];
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`proxy did not start: ${JSON.stringify(lines)}`)),
      opts.timeoutMs ?? 10_000,
    );
    void collectLines(proc.stderr, lines, (line) => {
      if (line.msg === "listening") {
        clearTimeout(timer);
        resolve(line);
      }
    }).then(() => reject(new Error(`proxy exited before listening: ${JSON.stringify(lines)}`)));
  });
  return {
    url: String(listening.url),
    proc,
    lines,
    listening,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      return await proc.exited;
    },
  };
}

async function collectLines(
  stream: ReadableStream<Uint8Array>,
  into: Array<Record<string, unknown>>,
  onLine: (line: Record<string, unknown>) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text);
      } catch {
        line = { raw: text };
      }
      into.push(line);
      onLine(line);
      nl = pending.indexOf("\n");
    }
  }
}

/**
 * Runs `n` concurrent streaming chats against `url` from a separate process whose own fetch limit is
 * raised, so the client side never caps the test at Bun's default of 256.
 */
export async function concurrentStreams(url: string, n: number, headers: Record<string, string>) {
  const proc = Bun.spawn(
    [
      process.execPath,
      path.join(import.meta.dir, "concurrent-client.ts"),
      url,
      String(n),
      JSON.stringify(headers),
    ],
    {
      env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" },
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  return JSON.parse(out) as { completed: number; errors: string[] };
}
