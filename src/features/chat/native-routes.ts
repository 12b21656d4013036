// POST /api/chat and POST /api/generate: Ollama's native dialect through the chat pipeline.
import { Hono } from "hono";
import { type PipelineDeps, runTurn } from "../../pipeline/run-turn.ts";
import type { ChatTurn, TurnKind } from "../../pipeline/turn.ts";
import type { AppEnv } from "../../types.ts";
import { type NativeRenderOptions, renderNative } from "./native-render.ts";
import { checkChatBody, checkGenerateBody, wantsStream } from "./native-request.ts";
import { readJsonObject } from "./read-json.ts";

export interface NativeChatDeps {
  pipeline: PipelineDeps;
  render: NativeRenderOptions;
}

export function createNativeChatRoutes(deps: NativeChatDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const handle = (kind: TurnKind) => async (c: import("hono").Context<AppEnv>) => {
    const { text, value } = await readJsonObject(
      c.req.raw,
      kind === "chat" ? "ChatRequest" : "GenerateRequest",
    );
    if (kind === "chat") checkChatBody(value);
    else checkGenerateBody(value);
    const info = c.get("info");
    const requestedModel = typeof value.model === "string" ? value.model : "";
    info.model = requestedModel || undefined;
    const turn: ChatTurn = {
      kind,
      dialect: "ollama",
      body: value,
      originalText: text,
      clientStream: wantsStream(value),
      requestedModel,
      headers: c.req.raw.headers,
      signal: c.req.raw.signal,
      info,
      needsChunks: false,
    };
    return renderNative(c, turn, runTurn(turn, deps.pipeline), deps.render);
  };
  app.post("/api/chat", handle("chat"));
  app.post("/api/generate", handle("generate"));
  return app;
}
