// AGENT_SETTINGS: empty, inline JSON or a file; one-line errors; defaults overlaid per agent.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { effectiveSettings, loadAgentSettings } from "../../../src/agents/settings.ts";

const dir = mkdtempSync(join(tmpdir(), "agent-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadAgentSettings", () => {
  test("empty means none", () => {
    expect(loadAgentSettings("", dir)).toEqual({});
    expect(loadAgentSettings("   ", dir)).toEqual({});
  });

  test("inline JSON", () => {
    expect(loadAgentSettings(' {"translate":{"model":"llama3.2"}}', dir)).toEqual({
      translate: { model: "llama3.2" },
    });
  });

  test("a JSON file, relative to cwd", () => {
    writeFileSync(join(dir, "agents.json"), '{"redact":{"email":"<hidden>"}}');
    expect(loadAgentSettings("agents.json", dir)).toEqual({ redact: { email: "<hidden>" } });
  });

  test("one-line errors", () => {
    writeFileSync(join(dir, "bad.json"), "{ nope");
    const cases: Array<[string, RegExp]> = [
      ["missing.json", /^cannot read agent settings file "missing.json": no such file$/],
      ["bad.json", /^agent settings file "bad.json" is not valid JSON: /],
      ["{oops", /^agent settings inline JSON is not valid JSON: /],
      ['{"translate": 3}', /^agent settings inline JSON must be an object .* at "translate"/],
      ["[]", /must be an object of agent name/],
    ];
    for (const [value, message] of cases) {
      let error: Error | undefined;
      try {
        loadAgentSettings(value, dir);
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain("\n");
    }
  });
});

test("effectiveSettings overlays the operator's values on the defaults, deeply frozen", () => {
  const merged = effectiveSettings({ a: 1, nested: { b: 2 } }, { a: 5 });
  expect(merged).toEqual({ a: 5, nested: { b: 2 } });
  expect(Object.isFrozen(merged.nested)).toBe(true);
  expect(effectiveSettings(undefined, undefined)).toEqual({});
});
