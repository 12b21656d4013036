// Native /api/tags entries → OpenAI `/v1/models` objects.

import type { Model } from "openai/resources/models";
import type { TagEntry, TagsResponse } from "../../../wire/ollama.ts";

export interface ModelList {
  object: "list";
  data: Model[];
}

/** Anything listed beside the installed models (aliases, virtual models); `created` defaults to 0. */
export interface ExtraModel {
  id: string;
  created?: number;
  owned_by?: string;
}

const DEFAULT_REGISTRY = "registry.ollama.ai/";

/**
 * Everything before the model's own path segment: `llama3.2:latest` → `library`, `acme/tiny` → `acme`,
 * `hf.co/acme/tiny-GGUF:Q4_K_M` → `hf.co/acme`. Ollama reports only the namespace (`acme`), which hides
 * that the model came from another registry; keeping the host says where it lives.
 */
export function ownerOf(name: string): string {
  const path = name.startsWith(DEFAULT_REGISTRY) ? name.slice(DEFAULT_REGISTRY.length) : name;
  const cut = path.lastIndexOf("/");
  return cut > 0 ? path.slice(0, cut) : "library";
}

/** Ollama timestamps are RFC 3339; unparsable ones become 0. */
export function unixSeconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

export function toModel(entry: TagEntry): Model {
  const model: Model = {
    id: entry.name,
    object: "model",
    created: unixSeconds(entry.modified_at),
    owned_by: ownerOf(entry.name),
  };
  // A fleet's merged list names the servers holding each model (src/fleet/views.ts).
  return Array.isArray(entry.upstreams) ? Object.assign(model, { upstreams: entry.upstreams }) : model;
}

/** Never `data: null` (Ollama's quirk with no models installed); extras never shadow an installed model. */
export function toModelList(tags: TagsResponse, extra: ExtraModel[] = []): ModelList {
  const data = (tags.models ?? []).map(toModel);
  const seen = new Set(data.map((m) => m.id));
  for (const item of extra) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    data.push({
      id: item.id,
      object: "model",
      created: item.created ?? 0,
      owned_by: item.owned_by ?? ownerOf(item.id),
    });
  }
  return { object: "list", data };
}
