// Serves an app with Bun.serve using the proxy's connection settings.
import type { Hono } from "hono";
import type { Config } from "./config/index.ts";
import type { AppEnv } from "./types.ts";

export function serve(app: Hono<AppEnv>, config: Pick<Config, "host" | "port" | "idleTimeoutSeconds">) {
  return Bun.serve({
    hostname: config.host,
    port: config.port,
    // Between requests a connection may idle this long; requests themselves get their own limit
    // (see middleware/request-context.ts) because model loads are silent for minutes.
    idleTimeout: config.idleTimeoutSeconds,
    // Ollama sets no body limit (blob uploads are gigabytes); Bun's default is 128 MB.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: (req, server) => app.fetch(req, server),
  });
}
