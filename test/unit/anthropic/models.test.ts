import { describe, expect, test } from "bun:test";
import {
  type AnthropicModel,
  pageOf,
  toAnthropicModels,
} from "../../../src/features/anthropic/translate/index.ts";

const models: AnthropicModel[] = ["a", "b", "c", "d"].map((id) => ({
  type: "model",
  id,
  display_name: id,
  created_at: new Date(0).toISOString(),
}));
const ids = (p: { data: AnthropicModel[] }) => p.data.map((m) => m.id);

describe("Anthropic model pages", () => {
  test("after_id and before_id page forwards and backwards", () => {
    expect(ids(pageOf(models, { limit: 2 }))).toEqual(["a", "b"]);
    expect(pageOf(models, { limit: 2 }).has_more).toBe(true);
    const next = pageOf(models, { limit: 2, afterId: "b" });
    expect([ids(next), next.has_more]).toEqual([["c", "d"], false]);
    const back = pageOf(models, { limit: 2, beforeId: "d" });
    expect([ids(back), back.has_more]).toEqual([["b", "c"], true]);
  });

  test("an id no longer listed gives an empty page, not an error", () => {
    const page = pageOf(models, { limit: 2, afterId: "gone" });
    expect(page).toEqual({ data: [], has_more: false, first_id: null, last_id: null });
  });

  test("Ollama's modified_at becomes created_at; an alias never hides an installed name", () => {
    const list = toAnthropicModels(
      { models: [{ name: "qwen3:latest", modified_at: "2025-05-01T10:00:00.123456789+02:00" }] },
      [{ id: "qwen3:latest" }, { id: "claude-sonnet-4-5" }],
    );
    expect(list.map((m) => [m.id, m.created_at])).toEqual([
      ["qwen3:latest", "2025-05-01T08:00:00.123Z"],
      ["claude-sonnet-4-5", "1970-01-01T00:00:00.000Z"],
    ]);
  });
});
