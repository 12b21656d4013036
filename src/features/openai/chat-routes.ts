// POST /v1/chat/completions and POST /v1/completions: the OpenAI dialect through the chat pipeline.
import { type Context, Hono } from "hono";
import { bodyText } from "../../http/request-body.ts";
import type { PipelineDeps } from "../../pipeline/run-turn.ts";
import type { TurnKind } from "../../pipeline/turn.ts";
import type { AppEnv } from "../../types.ts";
import type { InferenceChunk } from "../../wire/ollama.ts";
import { readOpenAIJson } from "./read-body.ts";
import { foldForOpenAI, type OpenAIProgressStyle, renderSse } from "./render.ts";
import { runTranslated } from "./run-translated.ts";
import {
  createChatStreamRenderer,
  createCompletionStreamRenderer,
  newChatCompletionId,
  newCompletionId,
  OpenAIRequestError,
  type StreamRenderer,
  toChatCompletion,
  toCompletion,
  translateChatRequest,
  translateCompletionRequest,
} from "./translate/index.ts";

export interface OpenAIChatDeps {
  pipeline: PipelineDeps;
  progressStyle: OpenAIProgressStyle;
}

const MISSING_MODEL = new OpenAIRequestError("you must provide a model parameter", 400, "model");

export function createOpenAIChatRoutes(deps: OpenAIChatDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const handle = (kind: TurnKind) => async (c: Context<AppEnv>) => {
    const input = readOpenAIJson(await bodyText(c));
    const translated = kind === "chat" ? translateChatRequest(input) : translateCompletionRequest(input);
    const turn = await runTranslated(c, kind, translated, MISSING_MODEL, deps.pipeline);
    // Responses echo the model name the client used, alias or not.
    const shape = {
      id: kind === "chat" ? newChatCompletionId() : newCompletionId(),
      created: Math.floor(Date.now() / 1000),
      model: translated.requestedModel,
    };
    if (!translated.stream) {
      const folded = await foldForOpenAI(kind, turn);
      return c.json(kind === "chat" ? toChatCompletion(folded, shape) : toCompletion(folded, shape));
    }
    const options = { ...shape, includeUsage: translated.includeUsage };
    const renderer = (
      kind === "chat" ? createChatStreamRenderer(options) : createCompletionStreamRenderer(options)
    ) as StreamRenderer<InferenceChunk>;
    return renderSse(c, turn, { kind, progressStyle: deps.progressStyle, renderer });
  };

  app.post("/v1/chat/completions", handle("chat"));
  app.post("/v1/completions", handle("generate"));
  return app;
}
