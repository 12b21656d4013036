// Starts the proxy in-process on an ephemeral port against a given upstream, capturing its log lines.
import { type AppDeps, createApp } from "../../src/app.ts";
import { type Config, configFrom } from "../../src/config/index.ts";
import type { Settings } from "../../src/config/settings.ts";
import { createLogger } from "../../src/log.ts";
import { serve } from "../../src/server.ts";
import { createUpstreamClient } from "../../src/upstream/client.ts";

export interface TestProxy {
  url: string;
  port: number;
  config: Config;
  /** Parsed JSON log lines, in order. */
  logs: Array<Record<string, unknown>>;
  server: ReturnType<typeof serve>;
  stop(): Promise<void>;
}

export interface TestProxyOptions extends Partial<Omit<AppDeps, "config" | "logger" | "upstream">> {
  upstreamUrl: string;
  settings?: Partial<Settings>;
}

export function startProxy(opts: TestProxyOptions): TestProxy {
  const config = configFrom({ port: 0, ollamaUrl: opts.upstreamUrl, logLevel: "debug", ...opts.settings });
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: config.logLevel,
    format: "json",
    write: (line) => logs.push(JSON.parse(line)),
  });
  const upstream = createUpstreamClient({
    baseUrl: config.ollamaUrl,
    idleTimeoutMs: config.upstreamIdleTimeout * 1000,
  });
  const { upstreamUrl: _url, settings: _settings, ...rest } = opts;
  const app = createApp({ version: "test", startedAt: Date.now(), ...rest, config, logger, upstream });
  const server = serve(app, config);
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    port: Number(server.port),
    config,
    logs,
    server,
    stop: () => server.stop(true),
  };
}

/** Access-log lines (one per finished request). */
export function accessLines(proxy: TestProxy): Array<Record<string, unknown>> {
  return proxy.logs.filter((l) => l.msg === "request");
}

/** Waits until `predicate` holds, polling; fails the test with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
