// POST /v1/chat/completions and POST /v1/completions: the OpenAI dialect through the chat pipeline.
import { type Context, Hono } from "hono";
import { type PipelineDeps, runTurn } from "../../pipeline/run-turn.ts";
import type { ChatTurn, NativeChunk, TurnKind } from "../../pipeline/turn.ts";
import type { AppEnv } from "../../types.ts";
import { readOpenAIJson } from "./read-body.ts";
import { foldTurn, type OpenAIProgressStyle, renderSse } from "./sse-render.ts";
import {
  createChatStreamRenderer,
  createCompletionStreamRenderer,
  newChatCompletionId,
  newCompletionId,
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

export function createOpenAIChatRoutes(deps: OpenAIChatDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const pipeline: PipelineDeps = {
    ...deps.pipeline,
    loadProgress: deps.progressStyle === "none" ? { afterMs: 0, everyMs: 0 } : deps.pipeline.loadProgress,
  };

  const handle = (kind: TurnKind) => async (c: Context<AppEnv>) => {
    const input = await readOpenAIJson(c.req.raw);
    const translated = kind === "chat" ? translateChatRequest(input) : translateCompletionRequest(input);
    const info = c.get("info");
    info.model = translated.requestedModel;
    const turn: ChatTurn = {
      kind,
      dialect: "openai",
      body: translated.body as Record<string, unknown>,
      clientStream: translated.stream,
      requestedModel: translated.requestedModel,
      headers: c.req.raw.headers,
      signal: c.req.raw.signal,
      info,
      needsChunks: true,
    };
    const id = kind === "chat" ? newChatCompletionId() : newCompletionId();
    const created = Math.floor(Date.now() / 1000);
    const shape = { id, created, model: translated.requestedModel };
    const events = runTurn(turn, pipeline);
    if (!turn.clientStream) {
      const folded = await foldTurn(turn, events);
      return c.json(kind === "chat" ? toChatCompletion(folded, shape) : toCompletion(folded, shape));
    }
    const options = { ...shape, includeUsage: translated.includeUsage };
    const renderer = (
      kind === "chat" ? createChatStreamRenderer(options) : createCompletionStreamRenderer(options)
    ) as StreamRenderer<NativeChunk>;
    return renderSse(c, turn, events, {
      progressStyle: deps.progressStyle,
      renderer,
    });
  };

  app.post("/v1/chat/completions", handle("chat"));
  app.post("/v1/completions", handle("generate"));
  return app;
}
