// Reads the model name out of small JSON request bodies so the access log can name it.

/** Routes whose bodies are small JSON documents naming a model; blob uploads are never read. */
const JSON_ROUTES = new Set([
  "/api/show",
  "/api/pull",
  "/api/push",
  "/api/create",
  "/api/copy",
  "/api/delete",
  "/api/embed",
  "/api/embeddings",
]);

export function isModelJsonRoute(path: string): boolean {
  return JSON_ROUTES.has(path);
}

export function modelNameOf(bodyText: string): string | undefined {
  try {
    const body = JSON.parse(bodyText) as Record<string, unknown> | null;
    const name = body?.model ?? body?.name ?? body?.source;
    return typeof name === "string" && name ? name : undefined;
  } catch {
    return undefined;
  }
}
