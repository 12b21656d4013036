// Ollama's model list in Anthropic's Models API shapes: `{type:"model", id, display_name, created_at}`
// entries, paged with limit / after_id / before_id as Anthropic pages them.
import type { TagsResponse } from "../../../wire/ollama.ts";

export interface AnthropicModel {
  type: "model";
  id: string;
  display_name: string;
  /** RFC 3339; Ollama's `modified_at`, or the epoch when it gives none. */
  created_at: string;
}

export interface AnthropicModelPage {
  data: AnthropicModel[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** An entry listed besides the installed models (a configured alias): its id and, if known, its creation time. */
export interface ListedModel {
  id: string;
  /** Unix seconds. */
  created?: number;
}

export interface PageQuery {
  limit: number;
  afterId?: string;
  beforeId?: string;
}

const EPOCH = new Date(0).toISOString();

function rfc3339(value: string | undefined): string {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? EPOCH : new Date(ms).toISOString();
}

/** Installed models first, as Ollama lists them, then extra entries whose ids are not taken. */
export function toAnthropicModels(tags: TagsResponse, extra: readonly ListedModel[] = []): AnthropicModel[] {
  const out: AnthropicModel[] = (tags.models ?? []).map((m) => ({
    type: "model",
    id: m.name,
    display_name: m.name,
    created_at: rfc3339(m.modified_at),
  }));
  const seen = new Set(out.map((m) => m.id));
  for (const item of extra) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    const created = item.created !== undefined ? new Date(item.created * 1000).toISOString() : EPOCH;
    out.push({ type: "model", id: item.id, display_name: item.id, created_at: created });
  }
  return out;
}

/**
 * One page: `limit` entries right after `after_id`, or right before `before_id`. An id that is not in
 * the list gives an empty page (the list changed under the client), never an error.
 */
export function pageOf(models: readonly AnthropicModel[], q: PageQuery): AnthropicModelPage {
  let start = 0;
  let end = models.length;
  if (q.afterId !== undefined) {
    const at = models.findIndex((m) => m.id === q.afterId);
    start = at === -1 ? models.length : at + 1;
    end = Math.min(models.length, start + q.limit);
  } else if (q.beforeId !== undefined) {
    const at = models.findIndex((m) => m.id === q.beforeId);
    end = at === -1 ? 0 : at;
    start = Math.max(0, end - q.limit);
  } else {
    end = Math.min(models.length, q.limit);
  }
  const data = models.slice(start, end);
  const hasMore = q.beforeId !== undefined ? start > 0 : end < models.length;
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
