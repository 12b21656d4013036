// Starts the proxy: config → logger → upstream → app → Bun.serve, then waits for a stop signal.
import { createApp } from "./app.ts";
import { loadConfig } from "./config/index.ts";
import { createLogger } from "./log.ts";
import { serve } from "./server.ts";
import { installGracefulStop } from "./shutdown.ts";
import { createUpstreamClient } from "./upstream/client.ts";
import { PROXY_VERSION } from "./version.ts";

export async function main(): Promise<void> {
  const startedAt = Date.now();
  const loaded = loadConfig({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    version: PROXY_VERSION,
  });
  if (loaded.kind === "help" || loaded.kind === "version") {
    process.stdout.write(`${loaded.text}\n`);
    process.exit(0);
  }
  if (loaded.kind === "error") {
    process.stderr.write(`ollama-smart-proxy: ${loaded.message}\n`);
    process.exit(2);
  }
  const { config } = loaded;
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const upstream = createUpstreamClient({
    baseUrl: config.ollamaUrl,
    idleTimeoutMs: config.upstreamIdleTimeout * 1000,
  });
  const app = createApp({ config, logger, upstream, version: PROXY_VERSION, startedAt });

  let server: ReturnType<typeof serve>;
  try {
    server = serve(app, config);
  } catch (err) {
    process.stderr.write(
      `ollama-smart-proxy: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}\n`,
    );
    process.exit(1);
  }
  logger.info("listening", {
    url: `http://${formatHost(config.host)}:${server.port}${config.basePath}`,
    upstream: config.ollamaUrl,
    version: PROXY_VERSION,
    startupMs: Math.round(performance.now()),
    fetchLimit: process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? "256 (Bun default)",
  });
  installGracefulStop({ server, logger, graceSeconds: config.shutdownGrace });
}

function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
