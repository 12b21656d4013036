// Reads the model name out of small JSON request bodies so the access log can name it.
import { isValidModelName } from "../../models/index.ts";
import { OLLAMA_ROUTES } from "../../wire/ollama.ts";

/** Bodies up to this size are read for the name; a larger one (an /api/create) streams through unread. */
const PEEK_MAX_BYTES = 1024 * 1024;

/** Routes whose bodies are small JSON documents naming a model; blob uploads are never read. */
export function isModelJsonRoute(path: string): boolean {
  return OLLAMA_ROUTES[path]?.namesModel === true;
}

/** Only a declared, small body is read: /api/create has no size limit and must keep streaming. */
export function isSmallBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  return length !== null && Number(length) <= PEEK_MAX_BYTES;
}

export function modelNameOf(bodyText: string): string | undefined {
  try {
    const body = JSON.parse(bodyText) as Record<string, unknown> | null;
    const name = body?.model ?? body?.name ?? body?.source;
    // A name Ollama cannot parse (Ollama refuses it) is not repeated in the log: it may be megabytes.
    return typeof name === "string" && isValidModelName(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
