// How aliases are listed: /api/tags entries with alias_of, /v1/models ids as configured.
import { expect, test } from "bun:test";
import { configFrom } from "../../../src/config/index.ts";
import { aliasModels, aliasTagEntries } from "../../../src/models/aliases.ts";
import { createCatalog } from "../../../src/models/catalog.ts";
import { scriptedUpstream } from "./scripted-upstream.ts";

const llama = {
  name: "llama3.2:3b",
  model: "llama3.2:3b",
  modified_at: "2025-05-10T08:06:48.639712648-07:00",
  size: 2_019_393_189,
  digest: "a80c4f17acd5",
  details: { family: "llama", parameter_size: "3.2B" },
};
const since = new Date("2026-01-01T00:00:00Z");

test("an alias of an installed model copies its details and says what it stands for", () => {
  const config = configFrom({ modelAliases: { "gpt-4o-mini": "llama3.2:3b" } });
  expect(aliasTagEntries(config, [llama], since)).toEqual([
    { ...llama, name: "gpt-4o-mini:latest", model: "gpt-4o-mini:latest", alias_of: "llama3.2:3b" },
  ]);
});

test("an alias of a model not pulled yet is listed only when auto-pull may fetch it", () => {
  const aliases = { small: "tinyllama", huge: "hf.co/acme/huge" };
  const open = aliasTagEntries(configFrom({ modelAliases: aliases, pullDeny: ["hf.co/*"] }), [], since);
  expect(open.map((e) => [e.name, e.alias_of])).toEqual([["small:latest", "tinyllama:latest"]]);
  expect(open[0]).toMatchObject({ size: 0, modified_at: since.toISOString(), details: { format: "" } });
  expect(aliasTagEntries(configFrom({ modelAliases: aliases, autoPull: false }), [], since)).toEqual([]);
});

test("an alias never duplicates an installed name", () => {
  const config = configFrom({ modelAliases: { "llama3.2:3b": "qwen3" } });
  expect(aliasTagEntries(config, [llama], since)).toEqual([]);
});

test("/v1/models entries keep the alias exactly as configured", async () => {
  const s = scriptedUpstream();
  const catalog = createCatalog(s.upstream, 60_000);
  const config = configFrom({ modelAliases: { "gpt-4o-mini": "llama3.2:3b" }, autoPull: false });
  // Before the first read nothing is known, so the alias is listed rather than hidden.
  expect(aliasModels(config, catalog).map((m) => m.id)).toEqual(["gpt-4o-mini"]);
  catalog.update([llama]);
  expect(aliasModels(config, catalog)).toEqual([
    {
      id: "gpt-4o-mini",
      created: Math.floor(Date.parse(llama.modified_at) / 1000),
      owned_by: "alias of llama3.2:3b",
    },
  ]);
  catalog.update([]);
  expect(aliasModels(config, catalog)).toEqual([]);
});
