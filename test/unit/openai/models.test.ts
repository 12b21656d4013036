// /v1/models objects from /api/tags entries.
import { describe, expect, test } from "bun:test";
import { ownerOf, toModelList, unixSeconds } from "../../../src/features/openai/translate/models.ts";

const tag = (name: string, modified_at: string) => ({ name, model: name, modified_at });

describe("ownerOf", () => {
  test.each([
    ["llama3.2:latest", "library"],
    ["library/llama3.2", "library"],
    ["registry.ollama.ai/library/llama3.2:latest", "library"],
    ["acme/tiny:1b", "acme"],
    ["hf.co/acme/tiny-GGUF:Q4_K_M", "hf.co/acme"],
    ["localhost:5000/team/model:v1", "localhost:5000/team"],
  ])("%s → %s", (name, owner) => {
    expect(ownerOf(name)).toBe(owner);
  });
});

describe("unixSeconds", () => {
  test("RFC 3339 with nanoseconds and offsets, garbage", () => {
    expect(unixSeconds("2025-05-10T08:06:48.639712648-07:00")).toBe(1_746_889_608);
    expect(unixSeconds("2025-10-17T23:14:07.414671Z")).toBe(1_760_742_847);
    expect(unixSeconds("not a date")).toBe(0);
    expect(unixSeconds(undefined)).toBe(0);
  });
});

describe("toModel / toModelList", () => {
  const tags = {
    models: [
      tag("llama3.2:latest", "2025-05-10T08:06:48.639712648-07:00"),
      tag("hf.co/acme/tiny-GGUF:Q4_K_M", "2025-10-17T23:14:07.414671Z"),
    ],
  };

  test("one object per installed model; names with / kept whole", () => {
    expect(toModelList(tags)).toEqual({
      object: "list",
      data: [
        { id: "llama3.2:latest", object: "model", created: 1_746_889_608, owned_by: "library" },
        {
          id: "hf.co/acme/tiny-GGUF:Q4_K_M",
          object: "model",
          created: 1_760_742_847,
          owned_by: "hf.co/acme",
        },
      ],
    });
  });

  test("never data: null", () => {
    expect(toModelList({ models: [] })).toEqual({ object: "list", data: [] });
    expect(toModelList({ models: null })).toEqual({ object: "list", data: [] });
    expect(toModelList({})).toEqual({ object: "list", data: [] });
  });

  test("extras are appended with defaults and never shadow an installed model", () => {
    const list = toModelList(tags, [
      { id: "fast", created: 1, owned_by: "proxy" },
      { id: "team/alias" },
      { id: "llama3.2:latest", owned_by: "impostor" },
      { id: "fast" },
    ]);
    expect(list.data.slice(2)).toEqual([
      { id: "fast", object: "model", created: 1, owned_by: "proxy" },
      { id: "team/alias", object: "model", created: 0, owned_by: "team" },
    ]);
    expect(list.data[0]?.owned_by).toBe("library");
  });
});
