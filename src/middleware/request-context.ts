// Gives every request an id, a bound logger and one access-log line; lifts Bun's idle cut-off.
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../log.ts";
import type { ProxyMetrics } from "../metrics/proxy-metrics.ts";
import type { AppEnv, RequestInfo } from "../types.ts";

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export interface RequestContextOptions {
  logger: Logger;
  accessLog: boolean;
  /** Seconds a request may stay silent on the client connection; 0 = never (Ollama is silent while loading). */
  requestIdleTimeout: number;
  metrics?: ProxyMetrics;
  basePath: string;
}

export function requestContext(opts: RequestContextOptions): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    const info: RequestInfo = {
      id,
      method: c.req.method,
      path: c.req.path,
      startedAt: performance.now(),
      logger: opts.logger.child({ requestId: id }),
      streamed: false,
      // Called once, when the last byte went out (or the client left): the access line and metrics.
      finish: (status) => {
        writeAccessLine(info, status, opts.accessLog);
        opts.metrics?.finished(info, status, opts.basePath);
      },
    };
    c.set("info", info);
    opts.metrics?.started();
    // Bun.serve cuts a connection idle for `idleTimeout` seconds, and a request waiting on a model load
    // is exactly that; the per-request override keeps the server-wide value for idle keep-alive sockets.
    c.env?.timeout?.(c.req.raw, opts.requestIdleTimeout);
    await next();
    c.res.headers.set("x-request-id", id);
    if (info.agents?.length) c.res.headers.set("x-agent-chain", info.agents.join(","));
    if (!info.streamed) {
      const length = c.res.headers.get("content-length");
      if (length) info.bytes = Number(length);
      info.finish(c.res.status);
    }
  };
}

/** The one line per request: method, path, status, model, duration, bytes and, for streams, TTFB. */
export function writeAccessLine(info: RequestInfo, status: number, enabled: boolean): void {
  if (!enabled) return;
  const durationMs = round(performance.now() - info.startedAt);
  const level = status >= 500 ? "warn" : "info";
  info.logger[level]("request", {
    method: info.method,
    path: info.path,
    status,
    model: info.model,
    agents: info.agents,
    durationMs,
    bytes: info.bytes,
    ttfbMs: info.ttfbMs,
    outcome: info.outcome,
    error: info.error,
  });
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
