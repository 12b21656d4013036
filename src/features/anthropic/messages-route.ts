// POST /v1/messages: the Anthropic dialect through the chat pipeline, and the count_tokens estimate.
import { type Context, Hono } from "hono";
import { bodyText } from "../../http/request-body.ts";
import { reportTurn, requestParts } from "../../http/turn-facts.ts";
import { type PipelineDeps, runTurn } from "../../pipeline/run-turn.ts";
import type { NativeRequest, TurnResult } from "../../pipeline/turn.ts";
import type { AppEnv } from "../../types.ts";
import { AnthropicRequestError } from "./errors.ts";
import { headersForUpstream } from "./headers.ts";
import { newMessageId } from "./ids.ts";
import { readAnthropicJson } from "./read-body.ts";
import { relaxThinking } from "./relax.ts";
import { collectMessage, renderStream } from "./render.ts";
import { countTokens, type StreamOptions, translateMessagesRequest } from "./translate/index.ts";

export interface AnthropicMessagesDeps {
  pipeline: PipelineDeps;
}

const MISSING_MODEL = new AnthropicRequestError("model: Field required");

export function createMessagesRoutes(deps: AnthropicMessagesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/v1/messages", async (c: Context<AppEnv>) => {
    const t = translateMessagesRequest(readAnthropicJson(await bodyText(c)));
    const run = (body: NativeRequest): Promise<TurnResult> =>
      runTurn(
        {
          kind: "chat",
          body,
          // Stop sequences are the proxy's to find, so the upstream streams and can be cut short.
          clientStream: t.stream || t.stopSequences.length > 0,
          needsChunks: true,
          fillKeepAlive: true,
          missingModel: MISSING_MODEL,
          headers: headersForUpstream(c.req.raw.headers),
          signal: requestParts(c).signal,
          logger: requestParts(c).logger,
          probe: requestParts(c).probe,
          access: requestParts(c).access,
          onUpstream: requestParts(c).onUpstream,
        },
        deps.pipeline,
      );
    let turn = await run(t.body as NativeRequest);
    if (t.relaxThinking) {
      const { think: _dropped, ...withoutThink } = t.body;
      turn = relaxThinking(turn, () => run(withoutThink as NativeRequest));
    }
    reportTurn(c, turn);
    const opts: StreamOptions = {
      id: newMessageId(),
      // Answers echo the name the client used, alias or not (the resolved one when it named none).
      model: t.requestedModel || turn.model,
      inputEstimate: t.inputEstimate,
      stopSequences: t.stopSequences,
      showThinking: t.showThinking,
    };
    if (!t.stream) return c.json(await collectMessage(turn, opts));
    return renderStream(c, turn, opts);
  });

  // Ollama has no tokenizer route; the count is its own len/4 estimate (see count-tokens.ts).
  app.post("/v1/messages/count_tokens", async (c) => {
    const counted = countTokens(readAnthropicJson(await bodyText(c)));
    const model = deps.pipeline.models.resolve(counted.model);
    if (model) c.set("model", model);
    return c.json({ input_tokens: counted.inputTokens });
  });
  return app;
}
