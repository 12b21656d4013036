// Serves an app with Bun.serve using the proxy's connection settings.
import type { Hono } from "hono";
import type { Config } from "./config/index.ts";
import { ollamaErrorResponse } from "./errors.ts";
import { routableRequest } from "./middleware/request-target.ts";
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
    fetch(req, server) {
      const routable = routableRequest(req);
      if (routable === req) return app.fetch(req, server);
      // Bun knows only the request it made: per-request settings on the copy must reach the original.
      return app.fetch(routable, {
        timeout: (_copy: Request, seconds: number) => server.timeout(req, seconds),
        requestIP: () => server.requestIP(req),
      });
    },
    // Hono answers everything it runs; this only catches a failure outside it, without Bun's
    // development page (which shows source code) and in Ollama's envelope.
    error: () => ollamaErrorResponse(500, "internal proxy error"),
  });
}
