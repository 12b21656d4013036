// Everything the proxy does not handle itself goes to Ollama unchanged, streamed both ways.
import { Hono } from "hono";
import { ollamaErrors } from "../../http/error-handler.ts";
import { forwardToUpstream } from "../../http/forward.ts";
import { bodyText, requestSignal } from "../../http/request-body.ts";
import type { AppEnv } from "../../types.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import { isModelJsonRoute, isSmallBody, modelNameOf } from "./model-peek.ts";

export interface PassthroughDeps {
  upstream: UpstreamClient;
  basePath: string;
}

export function createPassthroughRoutes(deps: PassthroughDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.all("*", async (c) => {
    const path = c.req.path.slice(deps.basePath.length) || "/";
    const req = c.req.raw;
    const hasBody = c.get("bodyBytes") !== undefined || req.body !== null;
    if (!isModelJsonRoute(path) || !hasBody || !isSmallBody(req.headers))
      return forwardToUpstream(c, deps.upstream, deps.basePath);
    // Small JSON bodies are read once for the log line and sent on byte for byte.
    const text = await bodyText(c);
    const model = modelNameOf(text);
    c.set("model", model);
    if (model) c.get("access")?.checkModel(model);
    return forwardToUpstream(
      c,
      deps.upstream,
      deps.basePath,
      new Request(req, { body: text, signal: requestSignal(c) }),
    );
  });
  app.onError(ollamaErrors);
  return app;
}
