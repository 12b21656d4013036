// Embeddings answer outside the chat pipeline: their token counts are read from the answer itself
// (Ollama's prompt_eval_count, or the usage object the proxy's /v1/embeddings writes).

const COUNT_FIELD: Record<string, string> = {
  "/api/embed": '"prompt_eval_count":',
  "/v1/embeddings": '"prompt_tokens":',
};

export function isEmbedRoute(method: string, route: string): boolean {
  return method === "POST" && Object.hasOwn(COUNT_FIELD, route);
}

/** The answer unchanged, and the input tokens it reports (0 when none). */
export async function embedTokens(res: Response, route: string): Promise<{ res: Response; tokens: number }> {
  const field = COUNT_FIELD[route];
  if (!field || res.status !== 200 || !res.headers.get("content-type")?.includes("json"))
    return { res, tokens: 0 };
  const bytes = await res.bytes();
  // The counts come after the vectors: only the tail is decoded.
  const tail = new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.byteLength - 4096)));
  const at = tail.lastIndexOf(field);
  const tokens = at === -1 ? 0 : Number.parseInt(tail.slice(at + field.length).trimStart(), 10) || 0;
  const copy = new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
  return { res: copy, tokens };
}
