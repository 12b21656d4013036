// Starts the proxy: config → logger → the composed proxy → Bun.serve, then waits for a stop signal.
import { composeProxy } from "./compose.ts";
import { loadConfig } from "./config/index.ts";
import { probeUpstream } from "./features/health/probe.ts";
import { createLogger, flushLogLines } from "./log.ts";
import { serve } from "./server.ts";
import { installGracefulStop } from "./shutdown.ts";
import { PROXY_VERSION } from "./version.ts";

export async function main(): Promise<void> {
  // `keys create|list|revoke|usage`: the same entry (and binary) manages the key store, then exits.
  if (process.argv[2] === "keys") {
    const { runKeysCommand } = await import("./auth/cli.ts");
    process.exit(await runKeysCommand(process.argv.slice(3), process.env, process.cwd()));
  }
  const loadInput = {
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    version: PROXY_VERSION,
  };
  const loaded = loadConfig(loadInput);
  if (loaded.kind === "help" || loaded.kind === "version") {
    process.stdout.write(`${loaded.text}\n`);
    process.exit(0);
  }
  if (loaded.kind === "error") fail(loaded.message);
  const { config } = loaded;

  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  // Log lines are written in batches: what is still pending goes out synchronously at exit.
  process.on("exit", flushLogLines);
  // Code an agent leaves running outside its hooks (a stray timer) must not take the proxy down.
  process.on("unhandledRejection", (reason) => logger.error("unhandled rejection", { error: reason }));
  process.on("uncaughtException", (error) => logger.error("uncaught exception", { error }));

  // Aborted when the shutdown grace period is over: streams still running end with its reason.
  const cutStreams = new AbortController();
  const { app, registry, upstream, start, stop, reloadConfig, auth } = await composeProxy({
    config,
    logger,
    version: PROXY_VERSION,
    stop: cutStreams.signal,
    // Flags and environment are the process's own; a reload reads the file again under them.
    reloadConfig: () => loadConfig(loadInput),
  });
  if (config.configFile) process.on("SIGHUP", () => reloadConfig());

  let server: ReturnType<typeof serve>;
  try {
    server = serve(app, config);
  } catch (err) {
    fail(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`, 1);
  }
  logger.info("listening", {
    url: `http://${formatHost(config.host)}:${server.port}${config.basePath}`,
    // Credentials given in OLLAMA_URL are only ever sent upstream; the log says they are in use.
    upstream: config.ollamaUrl,
    upstreamAuth: config.ollamaAuth ? "basic" : "none",
    configFile: config.configFile || null,
    auth: auth ? "keys" : "off",
    version: PROXY_VERSION,
    startupMs: Math.round(performance.now()),
    fetchLimit: process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? "256 (Bun default)",
    agents: registry.counts(),
  });
  if (config.auth === "off" && !isLoopback(config.host))
    logger.warn(
      "AUTH=off while listening beyond loopback: anyone who can reach this port can use every model, pull and delete models. Set AUTH=keys and create keys with `ollama-smart-proxy keys create`",
      { host: config.host },
    );
  // Warm-up runs in the background: the proxy serves while configured models load.
  void start();
  // Say at once whether Ollama answers: the commonest first-run problem is a wrong OLLAMA_URL.
  void probeUpstream(upstream, config.healthTimeoutMs).then((probe) => {
    if (probe.reachable) logger.info("upstream reachable", { upstream: probe.url, version: probe.version });
    else
      logger.warn("upstream not reachable yet; requests get 502 until it is", {
        upstream: probe.url,
        error: probe.error,
      });
  });
  installGracefulStop({
    server,
    logger,
    graceSeconds: config.shutdownGraceSeconds,
    onStop: () => registry.close(),
    // Pulls others wait on may finish within the grace period; only then are the rest stopped.
    beforeExit: stop,
    cutStreams: (reason) => cutStreams.abort(reason),
  });
}

/** One line per problem, no stack trace, non-zero exit: what a user fixing a typo in a setting needs. */
function fail(message: string, code = 2): never {
  for (const line of message.split("\n")) process.stderr.write(`ollama-smart-proxy: ${line}\n`);
  process.exit(code);
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}

function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
