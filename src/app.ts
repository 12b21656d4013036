// createApp(deps): the one Hono app, composed of feature sub-apps; no side effects.
import { Hono, type MiddlewareHandler } from "hono";
import type { Config } from "./config/index.ts";
import { createAnthropicRoutes } from "./features/anthropic/routes.ts";
import { createNativeChatRoutes } from "./features/chat/routes.ts";
import { createHealthRoutes, type HealthDeps } from "./features/health/routes.ts";
import { createMetricsRoutes } from "./features/metrics/routes.ts";
import { createOpenAIRoutes } from "./features/openai/routes.ts";
import type { ExtraModel } from "./features/openai/translate/index.ts";
import { createPassthroughRoutes } from "./features/passthrough/routes.ts";
import { ollamaErrors } from "./http/error-handler.ts";
import type { Logger } from "./log.ts";
import { createProxyMetrics, type ProxyMetrics } from "./metrics/proxy-metrics.ts";
import { allowedHosts } from "./middleware/allowed-hosts.ts";
import { bodyIntake } from "./middleware/body-intake.ts";
import { clientLimit } from "./middleware/client-limit.ts";
import { cors } from "./middleware/cors.ts";
import { requestContext } from "./middleware/request-context.ts";
import { requestGuard } from "./middleware/request-guard.ts";
import type { RunningRequests } from "./middleware/running-requests.ts";
import type { ModelService } from "./models/types.ts";
import type { EventBus } from "./observe/event-bus.ts";
import type { Tracing } from "./observe/tracing.ts";
import type { AgentStage } from "./pipeline/agent-stage.ts";
import type { PipelineDeps } from "./pipeline/run-turn.ts";
import type { AppEnv } from "./types.ts";
import type { UpstreamClient } from "./upstream/client.ts";

export interface AppDeps {
  config: Config;
  logger: Logger;
  upstream: UpstreamClient;
  version: string;
  startedAt: number;
  models: ModelService;
  agents: AgentStage;
  /** Feature sub-apps mounted before the pass-through (model management, plugins). */
  features: Hono<AppEnv>[];
  /** Extra /health sections and agent counts. */
  health: Pick<HealthDeps, "agents" | "sections" | "serversDown">;
  /** Entries listed by /v1/models beside the installed models (aliases). */
  extraModels: () => ExtraModel[];
  /** Aborted when the shutdown grace period is over: streams still running end with its reason. */
  stop?: AbortSignal;
  /** Metrics, traces and the event stream, shared with model management (pulls) and agents. */
  observe?: { metrics: ProxyMetrics; tracing: Tracing | null; events: EventBus };
  /** The dashboard's body captures (src/features/ui/captures.ts), after the body is read. */
  captures?: MiddlewareHandler<AppEnv>;
  /** Requests an operator may cancel from the dashboard; absent: none can be. */
  running?: RunningRequests;
  /** AUTH=keys: the key check (src/auth), after CORS so preflights need none, before bodies are read. */
  auth?: MiddlewareHandler<AppEnv>;
}

const MB = 2 ** 20;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, upstream } = deps;
  const app = new Hono<AppEnv>();
  const metrics = deps.observe?.metrics ?? createProxyMetrics();
  app.use(
    requestContext({
      logger: deps.logger,
      accessLog: config.accessLog,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
      upstreamIdleTimeoutSeconds: config.upstreamIdleTimeoutSeconds,
      metrics,
      basePath: config.basePath,
      upstreamUrl: upstream.baseUrl,
      upstreamUrlOf: upstream.urlOf ? (name) => upstream.urlOf?.(name) : undefined,
      stop: deps.stop,
      tracing: deps.observe?.tracing,
      events: deps.observe?.events,
    }),
  );
  app.use(requestGuard({ basePath: config.basePath }));
  if (config.maxRequestsPerClient > 0)
    app.use(clientLimit({ max: config.maxRequestsPerClient, basePath: config.basePath }));
  if (config.hostCheckEnabled) app.use(allowedHosts());
  app.use(cors(config.corsOrigins));
  if (deps.auth) app.use(deps.auth);
  if (deps.running) app.use(deps.running.middleware());
  app.use(
    bodyIntake({
      inferenceBytes: config.maxBodyMb * MB,
      smallBytes: config.maxSmallBodyMb * MB,
      timeoutMs: config.bodyTimeoutMs,
      basePath: config.basePath,
    }),
  );
  if (deps.captures) app.use(deps.captures);

  // The pipeline always produces progress events; each dialect's renderer decides how they show.
  const pipeline: PipelineDeps = {
    upstream,
    models: deps.models,
    agents: deps.agents,
    loadProgress: { afterMs: config.progressAfterMs, everyMs: config.progressEveryMs },
  };

  const routes = new Hono<AppEnv>();
  routes.route(
    "/",
    createHealthRoutes({
      upstream,
      version: deps.version,
      startedAt: deps.startedAt,
      timeoutMs: config.healthTimeoutMs,
      ...deps.health,
    }),
  );
  routes.route("/", createNativeChatRoutes({ pipeline, progressStyle: config.progressNative }));
  // Before the OpenAI sub-app, whose /v1/* catch-all would forward /v1/messages to Ollama as it is.
  routes.route("/", createAnthropicRoutes({ pipeline, upstream, extraModels: deps.extraModels }));
  routes.route(
    "/",
    createOpenAIRoutes({
      pipeline,
      progressStyle: config.progressOpenAI,
      models: deps.models,
      extraModels: deps.extraModels,
      basePath: config.basePath,
    }),
  );
  routes.route("/", createMetricsRoutes(metrics));
  for (const feature of deps.features) routes.route("/", feature);
  // Last: whatever no feature claimed goes to Ollama as it is.
  routes.route("/", createPassthroughRoutes({ upstream, basePath: config.basePath }));
  app.route(config.basePath || "/", routes);

  // Same text and type as Ollama's router, for paths outside the configured base path.
  app.notFound((c) => c.text("404 page not found", 404));
  app.onError(ollamaErrors);
  return app;
}
