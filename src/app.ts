// createApp(deps): the one Hono app, composed of feature sub-apps; no side effects.
import { Hono } from "hono";
import type { Config } from "./config/index.ts";
import { createNativeChatRoutes } from "./features/chat/native-routes.ts";
import { createHealthRoutes } from "./features/health/routes.ts";
import { createMetricsRoutes } from "./features/metrics/routes.ts";
import { createOpenAIChatRoutes } from "./features/openai/chat-routes.ts";
import { createOpenAIModelRoutes } from "./features/openai/models-routes.ts";
import type { ExtraModel } from "./features/openai/translate/index.ts";
import { createPassthroughRoutes } from "./features/passthrough/routes.ts";
import type { Logger } from "./log.ts";
import { createProxyMetrics } from "./metrics/proxy-metrics.ts";
import { allowedHosts } from "./middleware/allowed-hosts.ts";
import { cors } from "./middleware/cors.ts";
import { renderError } from "./middleware/render-error.ts";
import { requestContext } from "./middleware/request-context.ts";
import { type ModelService, plainModels } from "./models/types.ts";
import type { AgentStage } from "./pipeline/agent-plan.ts";
import type { PipelineDeps } from "./pipeline/run-turn.ts";
import type { AppEnv } from "./types.ts";
import type { UpstreamClient } from "./upstream/client.ts";

export interface AppDeps {
  config: Config;
  logger: Logger;
  upstream: UpstreamClient;
  version: string;
  startedAt: number;
  models?: ModelService;
  agents?: AgentStage | null;
  /** Feature sub-apps mounted before the pass-through (model management, plugins, metrics). */
  features?: Hono<AppEnv>[];
  /** Extra /health sections, e.g. model status. */
  healthSections?: Record<string, () => unknown | Promise<unknown>>;
  /** Agent counts for /health. */
  agentCounts?: () => { loaded: number; failed: number };
  /** Entries listed by /v1/models beside the installed models (aliases). */
  extraModels?: () => ExtraModel[];
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, logger, upstream } = deps;
  const app = new Hono<AppEnv>();
  const metrics = createProxyMetrics();
  app.use(
    requestContext({
      logger,
      accessLog: config.accessLog,
      requestIdleTimeout: config.upstreamIdleTimeoutSeconds,
      metrics,
      basePath: config.basePath,
    }),
  );
  if (config.hostCheckEnabled) app.use(allowedHosts());
  app.use(cors(config.corsOrigins));

  const pipeline: PipelineDeps = {
    upstream,
    models: deps.models ?? plainModels,
    agents: deps.agents ?? null,
    loadProgress: {
      afterMs: config.progressNative === "none" ? 0 : config.progressAfterMs,
      everyMs: config.progressEveryMs,
    },
  };

  const routes = new Hono<AppEnv>();
  routes.route(
    "/",
    createHealthRoutes({
      upstream,
      version: deps.version,
      startedAt: deps.startedAt,
      timeoutMs: config.healthTimeoutMs,
      agents: deps.agentCounts,
      sections: deps.healthSections,
    }),
  );
  routes.route(
    "/",
    createNativeChatRoutes({
      pipeline,
      render: {
        upstreamUrl: upstream.baseUrl,
        progressStyle: config.progressNative,
      },
    }),
  );
  routes.route("/", createOpenAIChatRoutes({ pipeline, progressStyle: config.progressOpenAI }));
  routes.route(
    "/",
    createOpenAIModelRoutes({ upstream, models: pipeline.models, extraModels: deps.extraModels }),
  );
  routes.route("/", createMetricsRoutes(metrics));
  for (const feature of deps.features ?? []) routes.route("/", feature);
  // Last: whatever no feature claimed goes to Ollama as it is.
  routes.route("/", createPassthroughRoutes({ upstream, basePath: config.basePath }));
  app.route(config.basePath || "/", routes);

  // Same text and type as Ollama's router, for paths outside the configured base path.
  app.notFound((c) => c.text("404 page not found", 404));
  app.onError((err, c) => renderError(err, c, config.basePath));
  return app;
}
