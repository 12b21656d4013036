// Which client dialect a route speaks, from its path under the base path: the request record's
// `dialect`, and the envelope of errors answered before any feature's own onError.
import type { Dialect } from "../types.ts";

export function dialectOf(route: string): Dialect {
  if (route.startsWith("/api/")) return "ollama";
  if (route === "/v1/messages" || route.startsWith("/v1/messages/")) return "anthropic";
  if (route === "/v1" || route.startsWith("/v1/")) return "openai";
  return "proxy";
}
