// A TCP port nobody listens on right now, for servers that cannot pick their own (PostgreSQL, Redis).
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/** Retries `attempt` until it resolves or `ms` pass. */
export async function waitFor<T>(attempt: () => Promise<T>, ms: number, what: string): Promise<T> {
  const deadline = performance.now() + ms;
  let last: unknown;
  while (performance.now() < deadline) {
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await Bun.sleep(50);
    }
  }
  throw new Error(`${what} did not come up within ${ms} ms: ${String(last)}`);
}
