// POST /api/chat and POST /api/generate: Ollama's native dialect through the chat pipeline.
import { type Context, Hono } from "hono";
import { ProxyError } from "../../errors.ts";
import { ollamaErrors } from "../../http/error-handler.ts";
import { bodyText } from "../../http/request-body.ts";
import { reportTurn, requestParts } from "../../http/turn-facts.ts";
import { isValidModelName } from "../../models/index.ts";
import { type PipelineDeps, runTurn } from "../../pipeline/run-turn.ts";
import type { NativeRequest, TurnKind } from "../../pipeline/turn.ts";
import type { AppEnv } from "../../types.ts";
import { type NativeProgressStyle, renderNative } from "./render.ts";
import { readChatBody, readGenerateBody, wantsStream } from "./request.ts";

export interface NativeChatDeps {
  pipeline: PipelineDeps;
  progressStyle: NativeProgressStyle;
}

/** Ollama's answers for a request that names no model differ by route (and by status). */
const MISSING_MODEL: Record<TurnKind, ProxyError> = {
  chat: new ProxyError(400, "model is required"),
  generate: new ProxyError(404, "model '' not found"),
};

export function createNativeChatRoutes(deps: NativeChatDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const handle = (kind: TurnKind) => async (c: Context<AppEnv>) => {
    const text = await bodyText(c);
    const { value } = (kind === "chat" ? readChatBody : readGenerateBody)(text);
    const body = value as NativeRequest;
    const clientStream = wantsStream(body);
    // Logged only when Ollama could parse it: anything else is refused below without repeating it.
    if (typeof body.model === "string" && isValidModelName(body.model)) c.set("model", body.model);
    const turn = await runTurn(
      {
        kind,
        body,
        bodyText: text,
        clientStream,
        needsChunks: false,
        fillKeepAlive: false,
        missingModel: MISSING_MODEL[kind],
        ...requestParts(c),
      },
      deps.pipeline,
    );
    reportTurn(c, turn);
    return renderNative(c, turn, {
      kind,
      clientStream,
      progressStyle: deps.progressStyle,
      upstreamUrl: deps.pipeline.upstream.baseUrl,
    });
  };
  app.post("/api/chat", handle("chat"));
  app.post("/api/generate", handle("generate"));
  app.onError(ollamaErrors);
  return app;
}
