// GET /health (deep: asks the upstream) and GET /health/live (cheap: never leaves the process).
import { Hono } from "hono";
import type { AppEnv } from "../../types.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import { probeUpstream } from "./probe.ts";

export interface HealthDeps {
  upstream: UpstreamClient;
  version: string;
  startedAt: number;
  timeoutMs: number;
  /** Agent counts from the registry (absent until agents are wired in); `loading` files are not failures. */
  agents?: () => { loaded: number; failed: number; loading?: number };
  /** Fleet servers that are down while others answer: /health says "degraded". */
  serversDown?: () => number;
  /** Further sections, e.g. model status; each must be cheap or bounded. */
  sections?: Record<string, () => unknown | Promise<unknown>>;
}

export function createHealthRoutes(deps: HealthDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const uptimeSeconds = () => Math.round((Date.now() - deps.startedAt) / 100) / 10;

  app.get("/health/live", (c) =>
    c.json({ status: "ok", version: deps.version, uptimeSeconds: uptimeSeconds() }),
  );

  app.get("/health", async (c) => {
    const upstream = await probeUpstream(deps.upstream, deps.timeoutMs);
    const agents = deps.agents?.() ?? { loaded: 0, failed: 0 };
    const extra: Record<string, unknown> = {};
    for (const [name, section] of Object.entries(deps.sections ?? {})) extra[name] = await section();
    // "degraded" still answers 200: the proxy serves, but something a user configured is broken.
    const degraded = agents.failed > 0 || (deps.serversDown?.() ?? 0) > 0;
    const status = !upstream.reachable ? "unavailable" : degraded ? "degraded" : "ok";
    return c.json(
      { status, version: deps.version, uptimeSeconds: uptimeSeconds(), upstream, agents, ...extra },
      upstream.reachable ? 200 : 503,
    );
  });
  return app;
}
