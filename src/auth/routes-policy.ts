// Which routes need which right: none (liveness, the dashboard's static files), manage (model management), admin (/admin, the dashboard's Cancel); the
// refusal when a key lacks it.
import { ProxyError } from "../errors.ts";
import type { CachedKey } from "./key-cache.ts";
import { authError } from "./refusal.ts";

/** Model management: what changes the models on the server. */
const MANAGE = new Set(["/api/pull", "/api/push", "/api/create", "/api/copy", "/api/delete"]);

export type Right = "none" | "key" | "manage" | "admin";

export function rightFor(method: string, route: string): Right {
  if (route === "/health/live") return "none";
  // Captured bodies may be private: what any other admin route needs.
  if (route.startsWith("/ui/captures/")) return "admin";
  // The dashboard's page and assets hold no data (a browser cannot send a key when it opens a URL);
  // every call the page makes needs a key like any client's.
  if (route === "/ui" || route.startsWith("/ui/"))
    return method === "GET" || method === "HEAD" ? "none" : "admin";
  if (route === "/admin" || route.startsWith("/admin/")) return "admin";
  if (MANAGE.has(route) || route.startsWith("/api/blobs/")) return method === "OPTIONS" ? "key" : "manage";
  return "key";
}

/** The route as a usage row names it: a bounded set, whatever paths clients invent. */
export function usageRoute(route: string): string {
  if (route.startsWith("/api/blobs/")) return "/api/blobs";
  if (route.startsWith("/v1/models/")) return "/v1/models/:id";
  if (route.startsWith("/admin/")) return "/admin";
  return /^\/(api|v1)\/[a-z_/]{1,40}$/.test(route) || route === "/" || route === "/health" ? route : "other";
}

/** The route-level rights: admin, model management, and a model a key may not see in /v1/models/{id}. */
export function refusalFor(
  key: CachedKey,
  right: ReturnType<typeof rightFor>,
  method: string,
  route: string,
  allowed: (key: CachedKey, model: string) => boolean,
): ProxyError | null {
  const { policy } = key;
  const { name } = key.record;
  if (right === "admin" && !policy.admin)
    return authError(403, `key '${name}' may not use the admin API (it needs --admin)`);
  if (right === "manage" && !policy.manage && !policy.admin)
    return authError(
      403,
      `key '${name}' may not manage models (pull, push, create, copy, delete and blob uploads need --manage)`,
    );
  if (method === "GET" && route.startsWith("/v1/models/")) {
    const id = safeDecode(route.slice("/v1/models/".length));
    // As if it did not exist: a key is not told which models others may use.
    if (!allowed(key, id))
      return new ProxyError(404, `The model '${id}' does not exist`, "proxy", "model", "model_not_found");
  }
  return null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
