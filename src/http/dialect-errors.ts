// The error answer for a route in the dialect its clients speak, for middleware that runs before any
// feature's own onError: Anthropic's envelope on /v1/messages, OpenAI's elsewhere under /v1, Ollama's
// everywhere else (the dialect each feature's onError would have chosen).
import {
  anthropicErrorResponse,
  ollamaErrorResponse,
  openAIErrorResponse,
  type ProxyError,
} from "../errors.ts";
import { dialectOf } from "./dialect.ts";

/** The path without the base path; a path outside it is returned as it is. */
export function routeOf(path: string, basePath: string): string {
  return basePath && path.startsWith(basePath) ? path.slice(basePath.length) || "/" : path;
}

export function errorResponseFor(route: string, err: ProxyError, requestId?: string): Response {
  switch (dialectOf(route)) {
    case "anthropic":
      return anthropicErrorResponse(err, requestId);
    case "openai":
      return openAIErrorResponse(err);
    default:
      // The proxy's own routes (/health, /models...) answer errors as Ollama does.
      return ollamaErrorResponse(err.status, err.message);
  }
}
