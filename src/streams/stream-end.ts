// Which native NDJSON streams have a known last line, and whether a body's last line is it.

/**
 * Ollama ends a complete inference stream with a `"done": true` object and a complete pull, push or
 * create with `{"status":"success"}` (what ollama-js waits for before it calls a stream finished).
 */
const EXPECTED_END: Readonly<Record<string, "done" | "success">> = {
  "/api/chat": "done",
  "/api/generate": "done",
  "/api/pull": "success",
  "/api/push": "success",
  "/api/create": "success",
};

const decoder = new TextDecoder();

/** The check for a route's stream (the path under the base path), or undefined when it has none. */
export function streamEndCheck(route: string): ((lastLine: Uint8Array | null) => boolean) | undefined {
  const expected = EXPECTED_END[route];
  if (!expected) return undefined;
  return (line) => isCompleteEnd(line, expected);
}

/**
 * One parse, of one line, once per stream. An in-band `{"error": ...}` counts as an end too: the
 * client has been told already. A line too long to keep (null) is given the benefit of the doubt.
 */
function isCompleteEnd(line: Uint8Array | null, expected: "done" | "success"): boolean {
  if (line === null) return true;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(line));
  } catch {
    return false;
  }
  if (!value || typeof value !== "object") return false;
  const v = value as { done?: unknown; status?: unknown; error?: unknown };
  if (typeof v.error === "string") return true;
  return expected === "done" ? v.done === true : v.status === "success";
}
