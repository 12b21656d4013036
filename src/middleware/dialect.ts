// Which client dialect a route speaks, from its path under the base path (for the request record).
import type { Dialect } from "../types.ts";

export function dialectOf(route: string): Dialect {
  if (route.startsWith("/api/")) return "ollama";
  if (route === "/v1/messages" || route.startsWith("/v1/messages/")) return "anthropic";
  if (route.startsWith("/v1/")) return "openai";
  return "proxy";
}
