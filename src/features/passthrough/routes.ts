// Everything the proxy does not handle itself goes to Ollama unchanged, streamed both ways.
import { Hono } from "hono";
import { meteredResponse } from "../../middleware/stream-meter.ts";
import { errorFrameFor } from "../../streams/error-frames.ts";
import type { AppEnv } from "../../types.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import { describeNetworkError } from "../../upstream/network-error.ts";
import { isModelJsonRoute, modelNameOf } from "./model-peek.ts";

export interface PassthroughDeps {
  upstream: UpstreamClient;
  basePath: string;
}

export function createPassthroughRoutes(deps: PassthroughDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.all("*", async (c) => {
    const url = new URL(c.req.url);
    const path = url.pathname.slice(deps.basePath.length) || "/";
    let req = c.req.raw;
    if (isModelJsonRoute(path) && req.body) {
      // Small JSON bodies are read once for the log line and sent on byte for byte.
      const text = await req.text();
      c.get("info").model = modelNameOf(text);
      req = new Request(req, { body: text, signal: req.signal });
    }
    const res = await deps.upstream.forward(req, path + url.search);
    const frame = errorFrameFor(res.headers.get("content-type"));
    const describe = (err: unknown) =>
      `upstream Ollama at ${deps.upstream.baseUrl} broke off the response: ${describeNetworkError(err)}`;
    return meteredResponse(c, res, {
      describe,
      errorFrame: frame ? (err) => frame(describe(err)) : undefined,
    });
  });
  return app;
}
