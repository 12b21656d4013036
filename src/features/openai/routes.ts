// The OpenAI dialect as one sub-app: chat, completions and responses through the pipeline, models and
// embeddings, every other /v1 route forwarded to Ollama — and errors in OpenAI's envelope, wherever they arise.
import { Hono } from "hono";
import { openAIErrorResponse } from "../../errors.ts";
import { errorHandler } from "../../http/error-handler.ts";
import { forwardToUpstream } from "../../http/forward.ts";
import type { AppEnv } from "../../types.ts";
import { createOpenAIChatRoutes, type OpenAIChatDeps } from "./chat-routes.ts";
import { createOpenAIModelRoutes, type OpenAIModelDeps } from "./models-routes.ts";
import { createOpenAIResponsesRoutes } from "./responses-routes.ts";

export interface OpenAIDeps extends OpenAIChatDeps, Omit<OpenAIModelDeps, "upstream"> {
  basePath: string;
}

export function createOpenAIRoutes(deps: OpenAIDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { upstream } = deps.pipeline;
  app.route("/", createOpenAIChatRoutes(deps));
  app.route("/", createOpenAIResponsesRoutes(deps));
  app.route("/", createOpenAIModelRoutes({ upstream, models: deps.models, extraModels: deps.extraModels }));
  // The rest of Ollama's /v1 (e.g. /v1/audio/transcriptions on a new enough Ollama) as it is.
  app.all("/v1/*", (c) => forwardToUpstream(c, upstream, deps.basePath));
  app.onError(errorHandler(openAIErrorResponse));
  return app;
}
