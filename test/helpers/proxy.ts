// Starts the proxy in-process on an ephemeral port against a given upstream, capturing its log lines.

import path from "node:path";
import { type AgentRegistry, createAgentRegistry } from "../../src/agents/index.ts";
import { type AppDeps, createApp } from "../../src/app.ts";
import { composeProxy } from "../../src/compose.ts";
import { type Config, configFrom } from "../../src/config/index.ts";
import type { Settings } from "../../src/config/settings.ts";
import { createPluginsRoutes } from "../../src/features/plugins/routes.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { createAgentStage } from "../../src/pipeline/agent-stage.ts";
import { serve } from "../../src/server.ts";
import { createUpstreamClient } from "../../src/upstream/client.ts";

const AGENTS_DIR = path.resolve(import.meta.dir, "../../agents");

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
    idleTimeoutMs: config.upstreamIdleTimeoutSeconds * 1000,
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

/** A proxy with the agents of `dir` loaded (and watched when `watch`), as src/main.ts wires them. */
export async function startProxyWithAgents(
  opts: TestProxyOptions & {
    agentsDir: string;
    watch?: boolean;
    agentSettings?: Record<string, Record<string, unknown>>;
  },
): Promise<TestProxy & { registry: AgentRegistry }> {
  const registry = createAgentRegistry({
    dir: opts.agentsDir,
    logger: silentLogger,
    settings: opts.agentSettings,
    watch: opts.watch ?? false,
    debounceMs: 50,
  });
  await registry.ready;
  const upstream = createUpstreamClient({ baseUrl: opts.upstreamUrl, idleTimeoutMs: 0 });
  const proxy = startProxy({
    ...opts,
    agents: createAgentStage({
      registry,
      upstream,
      timeoutMs: opts.settings?.agentTimeoutMs ?? 30_000,
      unknownCommand: opts.settings?.unknownCommand ?? "reply",
    }),
    agentCounts: () => registry.counts(),
    features: [...(opts.features ?? []), createPluginsRoutes({ registry })],
  });
  return {
    ...proxy,
    registry,
    stop: async () => {
      registry.close();
      await proxy.stop();
    },
  };
}

/** The proxy exactly as src/main.ts composes it (agents from ./agents, model management), on port 0. */
export async function startFullProxy(opts: {
  upstreamUrl: string;
  settings?: Partial<Settings>;
}): Promise<TestProxy> {
  const config = configFrom({
    port: 0,
    ollamaUrl: opts.upstreamUrl,
    agentsDir: AGENTS_DIR,
    agentsWatch: false,
    ...opts.settings,
  });
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    write: (line) => logs.push(JSON.parse(line)),
  });
  const { app, registry, models } = await composeProxy({ config, logger, version: "test" });
  const server = serve(app, config);
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: Number(server.port),
    config,
    logs,
    server,
    stop: async () => {
      registry.close();
      models.stop();
      await server.stop(true);
    },
  };
}
