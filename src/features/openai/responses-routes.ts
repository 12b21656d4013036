// POST /v1/responses (OpenAI's Responses API, stateless as Ollama's) through the chat pipeline; stored-response
// routes answer that nothing is stored.
import { type Context, Hono } from "hono";
import type { PipelineDeps } from "../../pipeline/run-turn.ts";
import type { AppEnv } from "../../types.ts";
import { decodedBodyText } from "./decompress-body.ts";
import { readOpenAIJson } from "./read-body.ts";
import { foldForOpenAI } from "./render.ts";
import { renderResponsesSse } from "./responses-render.ts";
import { runTranslated } from "./run-translated.ts";
import {
  createResponsesStreamRenderer,
  newResponsesId,
  OpenAIRequestError,
  type ResponseShape,
  type ResponsesProgressStyle,
  toResponse,
  translateResponsesRequest,
} from "./translate/index.ts";

export interface OpenAIResponsesDeps {
  pipeline: PipelineDeps;
  progressStyle: ResponsesProgressStyle;
}

const MISSING_MODEL = new OpenAIRequestError("Missing required parameter: 'model'.", 400, "model");

export function createOpenAIResponsesRoutes(deps: OpenAIResponsesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/v1/responses", async (c) => {
    const translated = translateResponsesRequest(readOpenAIJson(await decodedBodyText(c)));
    const turn = await runTranslated(c, "chat", translated, MISSING_MODEL, deps.pipeline);
    // The model name the client used is echoed, alias or not; the default model's when it named none.
    const shape: ResponseShape = {
      id: newResponsesId("resp"),
      createdAt: Math.floor(Date.now() / 1000),
      model: translated.requestedModel || turn.model,
      echo: translated.echo,
    };
    const { namespaced } = translated;
    if (!translated.stream) return c.json(toResponse(await foldForOpenAI("chat", turn), shape, namespaced));
    const renderer = createResponsesStreamRenderer({ shape, namespaced, progressStyle: deps.progressStyle });
    return renderResponsesSse(c, turn, renderer, deps.progressStyle);
  });

  // Retrieving, deleting, cancelling or listing the input of a response all need a stored one.
  app.get("/v1/responses/:id", notStored);
  app.delete("/v1/responses/:id", notStored);
  app.post("/v1/responses/:id/cancel", notStored);
  app.get("/v1/responses/:id/input_items", notStored);
  return app;
}

function notStored(c: Context<AppEnv>): never {
  throw new OpenAIRequestError(
    `No response with id '${c.req.param("id")}' found: the proxy stores no responses (stateless, like Ollama)`,
    404,
  );
}
