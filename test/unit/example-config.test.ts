// proxy.example.yaml stays true to the settings table: every key, each explained, each its default.
import { expect, test } from "bun:test";
import path from "node:path";
import { parseConfigText } from "../../src/config/file.ts";
import { FILE_KEYS } from "../../src/config/file-schema.ts";
import { SETTINGS } from "../../src/config/settings.ts";

const text = await Bun.file(path.resolve(import.meta.dir, "../../proxy.example.yaml")).text();

test("the example is a valid config file", () => {
  const parsed = parseConfigText(text, false);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  expect(Object.keys(parsed.file.presets).length).toBeGreaterThan(0);
});

test("it has every key the file accepts, and nothing else", () => {
  const keys = Object.keys(Bun.YAML.parse(text) as Record<string, unknown>);
  expect(keys.sort()).toEqual([...FILE_KEYS.keys(), "presets"].sort());
});

test("each setting is explained by a comment naming its variable, and set to its default", () => {
  const parsed = parseConfigText(text, false);
  if (!parsed.ok) throw new Error("invalid");
  const lines = text.split("\n");
  for (const [fileKey, key] of FILE_KEYS) {
    const at = lines.findIndex((l) => l.startsWith(`${fileKey}:`));
    expect(lines[at - 1], fileKey).toStartWith(`# ${SETTINGS[key].env} / ${SETTINGS[key].flag}`);
    expect(parsed.file.settings[key], fileKey).toEqual(
      SETTINGS[key].schema.parse(SETTINGS[key].default) as never,
    );
  }
});
