// Runs a translated /v1 request through the chat pipeline and reports its facts: the one way every
// /v1 chat route (chat completions, completions, responses) starts a turn.
import type { Context } from "hono";
import type { ProxyError } from "../../errors.ts";
import { reportTurn, requestParts } from "../../http/turn-facts.ts";
import { type PipelineDeps, runTurn } from "../../pipeline/run-turn.ts";
import type { NativeRequest, TurnKind, TurnResult } from "../../pipeline/turn.ts";
import type { AppEnv } from "../../types.ts";

export interface TranslatedRequest {
  body: unknown;
  stream: boolean;
}

export async function runTranslated(
  c: Context<AppEnv>,
  kind: TurnKind,
  translated: TranslatedRequest,
  missingModel: ProxyError,
  pipeline: PipelineDeps,
): Promise<TurnResult> {
  const turn = await runTurn(
    {
      kind,
      body: translated.body as NativeRequest,
      clientStream: translated.stream,
      // OpenAI's shapes are built from chunks, and its clients cannot send keep_alive.
      needsChunks: true,
      fillKeepAlive: true,
      missingModel,
      ...requestParts(c),
    },
    pipeline,
  );
  reportTurn(c, turn);
  return turn;
}
