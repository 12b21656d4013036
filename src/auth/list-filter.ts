// /api/tags, /api/ps and /v1/models list only the models a key may use (aliases judged by their target).
import type { CachedKey } from "./key-cache.ts";

const LISTS: Record<string, { field: "models" | "data"; name: "name" | "id" }> = {
  "/api/tags": { field: "models", name: "name" },
  "/api/ps": { field: "models", name: "name" },
  "/v1/models": { field: "data", name: "id" },
};

export function isModelList(method: string, route: string): boolean {
  return (method === "GET" || method === "HEAD") && Object.hasOwn(LISTS, route);
}

/** The answer with the entries the key may not use taken out; anything unexpected passes unchanged. */
export async function filterModelList(
  res: Response,
  route: string,
  key: CachedKey,
  allowed: (key: CachedKey, model: string) => boolean,
): Promise<Response> {
  const list = LISTS[route];
  if (!list || res.status !== 200 || !res.body || !res.headers.get("content-type")?.includes("json"))
    return res;
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Response(text, res);
  }
  const entries = parsed?.[list.field];
  if (!Array.isArray(entries)) return new Response(text, res);
  const kept = entries.filter((e) => {
    const name = (e as Record<string, unknown> | null)?.[list.name];
    return typeof name === "string" && allowed(key, name);
  });
  const out: Record<string, unknown> = { ...parsed, [list.field]: kept };
  // Anthropic's page (clients sending anthropic-version) is cut by its route from what the key may
  // use (TurnAccess.lists), so has_more holds; here it only loses nothing and its ids stay in step.
  if ("first_id" in parsed) out.first_id = (kept[0] as { id?: string } | undefined)?.id ?? null;
  if ("last_id" in parsed) out.last_id = (kept.at(-1) as { id?: string } | undefined)?.id ?? null;
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(out), { status: res.status, headers });
}
