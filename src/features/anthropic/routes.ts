// The Anthropic dialect as one sub-app: /v1/messages, count_tokens and (for Anthropic clients) /v1/models,
// errors in Anthropic's envelope.
import { type ErrorHandler, Hono, type MiddlewareHandler } from "hono";
import { errorHandler } from "../../http/error-handler.ts";
import type { AppEnv } from "../../types.ts";
import { AnthropicRequestError, anthropicErrorResponse } from "./errors.ts";
import { type AnthropicMessagesDeps, createMessagesRoutes } from "./messages-route.ts";
import { type AnthropicModelDeps, createAnthropicModelRoutes } from "./models-routes.ts";

export type AnthropicDeps = AnthropicMessagesDeps & AnthropicModelDeps;

/** The request id goes into every error body too, as Anthropic's `request_id` does. */
const anthropicErrors: ErrorHandler<AppEnv> = (err, c) =>
  errorHandler((e) => anthropicErrorResponse(e, c.get("request")?.id))(err, c);

const setRequestId: MiddlewareHandler<AppEnv> = async function setRequestId(c, next) {
  await next();
  const id = c.get("request")?.id;
  if (id) c.res.headers.set("request-id", id);
};

function methodNotAllowed(requestId: string | undefined): Response {
  const res = anthropicErrorResponse(
    new AnthropicRequestError("method not allowed: use POST", 405),
    requestId,
  );
  res.headers.set("allow", "POST");
  return res;
}

export function createAnthropicRoutes(deps: AnthropicDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Anthropic's SDKs read `request-id` (as `_request_id`); it is the proxy's X-Request-Id.
  app.use("/v1/messages", setRequestId);
  app.use("/v1/messages/*", setRequestId);
  app.route("/", createMessagesRoutes(deps));
  app.route("/", createAnthropicModelRoutes(deps));
  app.all("/v1/messages", (c) => methodNotAllowed(c.get("request")?.id));
  app.all("/v1/messages/count_tokens", (c) => methodNotAllowed(c.get("request")?.id));
  // Message batches and the rest of /v1/messages/*: Ollama has none, so the answer is given here.
  app.all("/v1/messages/*", () => {
    throw new AnthropicRequestError("message batches and other /v1/messages/* routes are not supported", 404);
  });
  app.onError(anthropicErrors);
  return app;
}
