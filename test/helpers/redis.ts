// Starts a throw-away Redis server on a free port for tests; null when redis-server is not installed,
// with a loud warning (CI installs it, see .ci/run).
import { RedisClient } from "bun";
import { freePort, waitFor } from "./free-port.ts";

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop), for tests of a lost and regained Redis. */
  restart(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis | null> {
  const bin =
    Bun.which("redis-server") ?? (Bun.file("/usr/bin/redis-server").size ? "/usr/bin/redis-server" : null);
  if (!bin) {
    console.warn(
      "SKIPPED: redis-server is not installed (apt-get install redis-server); its tests did not run",
    );
    return null;
  }
  const port = freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: Bun.Subprocess | null = null;
  const start = async () => {
    proc = Bun.spawn(
      [bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdout: "ignore",
        stderr: "ignore",
      },
    );
    await waitFor(
      async () => {
        const client = new RedisClient(url, { autoReconnect: false, connectionTimeout: 500 });
        try {
          await client.connect();
          await client.send("PING", []);
        } finally {
          client.close();
        }
      },
      10_000,
      "Redis",
    );
  };
  const stop = async () => {
    const p = proc as Bun.Subprocess | null;
    if (!p) return;
    p.kill();
    await p.exited;
    proc = null;
  };
  await start();
  return { url, port, stop, restart: start };
}
