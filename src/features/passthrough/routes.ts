// Everything the proxy does not handle itself goes to Ollama unchanged, streamed both ways.
import { Hono } from "hono";
import { ollamaErrors } from "../../http/error-handler.ts";
import { forwardToUpstream } from "../../http/forward.ts";
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
    if (!isModelJsonRoute(path) || !req.body || !isSmallBody(req.headers))
      return forwardToUpstream(c, deps.upstream, deps.basePath);
    // Small JSON bodies are read once for the log line and sent on byte for byte.
    const text = await req.text();
    const model = modelNameOf(text);
    c.set("model", model);
    if (model) c.get("access")?.checkModel(model);
    return forwardToUpstream(
      c,
      deps.upstream,
      deps.basePath,
      new Request(req, { body: text, signal: req.signal }),
    );
  });
  app.onError(ollamaErrors);
  return app;
}
