// Starts the proxy in-process on an ephemeral port, composed exactly as src/main.ts composes it.
import path from "node:path";
import type { AgentSettingsMap } from "../../src/agents/index.ts";
import { type ComposedProxy, type ComposeInput, composeProxy } from "../../src/compose.ts";
import { type Config, configFrom, type LoadResult, loadConfig } from "../../src/config/index.ts";
import type { Settings } from "../../src/config/settings.ts";
import { createLogger } from "../../src/log.ts";
import { serve } from "../../src/server.ts";

/** The agents shipped with the proxy: what a user running it from the repository gets. */
export const SHIPPED_AGENTS_DIR = path.resolve(import.meta.dir, "../../agents");

export interface TestProxyOptions {
  /** The upstream (OLLAMA_URL); with `upstreams`, the first of them when not given. */
  upstreamUrl?: string;
  /** A fleet (UPSTREAMS): several servers, each with a name and optionally max-concurrent and weight. */
  upstreams?: Array<{ name: string; url: string; maxConcurrent?: number; weight?: number }>;
  /** Overrides of the settings defaults (model management and the shipped agents are on unless changed). */
  settings?: Partial<Settings>;
  agentSettings?: AgentSettingsMap;
  tuning?: ComposeInput["tuning"];
  /** Awaits composed.start() (model list read, warm-up) before returning. */
  start?: boolean;
  /** Replaces fetch for upstream calls, e.g. to watch what the upstream answered. */
  fetch?: ComposeInput["fetch"];
  /**
   * Waits until the agents folder has loaded (the default), so a test's first `/agent` finds its
   * agent. The proxy itself listens at once and loads agents in the background; false tests that.
   */
  waitForAgents?: boolean;
  /**
   * Starts from this config file as `--config` does, watched and reloaded live (`settings` are then
   * ignored; the upstream, port, log level and agents folder are given as flags, so they win over it).
   */
  configFile?: string;
}

export interface TestProxy {
  url: string;
  port: number;
  config: Config;
  /** Parsed JSON log lines of the whole proxy (requests, agents, models), in order. */
  logs: Array<Record<string, unknown>>;
  server: ReturnType<typeof serve>;
  composed: ComposedProxy;
  stop(): Promise<void>;
}

export async function startProxy(opts: TestProxyOptions): Promise<TestProxy> {
  // Watching is off by default: a watcher per test proxy costs time and nothing tests it but hot reload.
  const upstreamUrl = opts.upstreamUrl ?? opts.upstreams?.[0]?.url ?? "";
  const upstreams = (opts.upstreams ?? []).map((u) => ({ maxConcurrent: 0, weight: 1, ...u }));
  const reloadConfig = opts.configFile ? fileLoader(opts.configFile, upstreamUrl) : undefined;
  const config = reloadConfig
    ? configOf(reloadConfig())
    : configFrom({
        port: 0,
        ollamaUrl: upstreamUrl,
        ...(upstreams.length ? { upstreams } : {}),
        logLevel: "debug",
        agentsWatch: false,
        agentsDir: SHIPPED_AGENTS_DIR,
        ...opts.settings,
      });
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: config.logLevel,
    format: "json",
    write: (line) => logs.push(JSON.parse(line)),
  });
  const composed = await composeProxy({
    config,
    logger,
    version: "test",
    agentSettings: opts.agentSettings,
    tuning: opts.tuning,
    fetch: opts.fetch,
    reloadConfig,
  });
  const server = serve(composed.app, config);
  if (opts.waitForAgents !== false) await composed.registry.ready;
  if (opts.start) await composed.start();
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: Number(server.port),
    config,
    logs,
    server,
    composed,
    stop: async () => {
      await composed.stop();
      await server.stop(true);
    },
  };
}

function fileLoader(file: string, upstreamUrl: string): () => LoadResult {
  const argv = ["--config", file, "--port", "0", "--ollama-url", upstreamUrl, "--log-level", "debug"];
  argv.push("--agents-watch", "false", "--agents-dir", SHIPPED_AGENTS_DIR);
  return () => loadConfig({ argv, env: {}, cwd: path.dirname(file), version: "test" });
}

function configOf(result: LoadResult): Config {
  if (result.kind !== "config") throw new Error(result.kind === "error" ? result.message : result.kind);
  return result.config;
}

/** Access-log lines (one per finished request). */
export function accessLines(proxy: TestProxy): Array<Record<string, unknown>> {
  return proxy.logs.filter((l) => l.msg === "request");
}

/** Waits until `probe` gives a value (it may be async), polling; fails the test with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
