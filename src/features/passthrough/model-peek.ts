// Reads the model name out of small JSON request bodies so the access log can name it.
import { OLLAMA_ROUTES } from "../../wire/ollama.ts";

/** Routes whose bodies are small JSON documents naming a model; blob uploads are never read. */
export function isModelJsonRoute(path: string): boolean {
  return OLLAMA_ROUTES[path]?.namesModel === true;
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
