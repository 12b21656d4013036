// GET /metrics: Prometheus text exposition of the proxy's request, stream and agent metrics.
import { Hono } from "hono";
import type { ProxyMetrics } from "../../metrics/proxy-metrics.ts";
import type { AppEnv } from "../../types.ts";

export function createMetricsRoutes(metrics: ProxyMetrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/metrics", (c) =>
    c.body(metrics.registry.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
  return app;
}
