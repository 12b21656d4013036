// Which routes need which right: none (liveness), manage (model management), admin (/admin).

/** Model management: what changes the models on the server. */
const MANAGE = new Set(["/api/pull", "/api/push", "/api/create", "/api/copy", "/api/delete"]);

export type Right = "none" | "key" | "manage" | "admin";

export function rightFor(method: string, route: string): Right {
  if (route === "/health/live") return "none";
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
