// key-defaults in the config file and as JSON (AUTH_DEFAULTS), the refusals, and how a key's own
// policy and the defaults combine.
import { expect, test } from "bun:test";
import { withDefaults } from "../../../src/auth/policy.ts";
import { parseConfigText } from "../../../src/config/file.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { keyDefaultsSetting } from "../../../src/config/key-defaults.ts";

const fromFile = (yaml: string) => parseConfigText(yaml, false);

test("the file's map, with the keys command's field names, becomes the policy defaults", () => {
  const parsed = fromFile(
    "key-defaults:\n  models: [llama3*, 'qwen3:*']\n  agents: concise, translate\n  manage: true\n  rpm: 60\n  tpm: 5000\n  concurrency: 2\n  budget-tokens-per-day: 100\n  budget-tokens-per-month: 3000\n",
  );
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  expect(parsed.file.settings.keyDefaults).toEqual({
    models: ["llama3*", "qwen3:*"],
    agents: ["concise", "translate"],
    manage: true,
    rpm: 60,
    tpm: 5000,
    concurrency: 2,
    tokensPerDay: 100,
    tokensPerMonth: 3000,
  });
  const empty = fromFile("key-defaults: {}\n");
  expect(empty.ok && empty.file.settings.keyDefaults).toEqual({});
});

test("a field it does not know, admin, or a bad value is refused with the key path and what was expected", () => {
  const problems = (yaml: string) => {
    const parsed = fromFile(yaml);
    return parsed.ok ? [] : parsed.problems;
  };
  expect(problems("key-defaults:\n  rmp: 60\n")[0]).toContain("unknown field rmp (expected models, agents");
  expect(problems("key-defaults:\n  admin: true\n")[0]).toContain("unknown field admin");
  expect(problems("key-defaults:\n  rpm: 0\n")[0]).toContain("rpm: expected a positive integer");
  expect(problems("key-defaults:\n  manage: yes please\n")[0]).toContain("manage: expected true or false");
  expect(problems("key-defaults:\n  models: []\n")[0]).toContain("expected at least one of model globs");
  expect(problems("key-defaults: [rpm]\n")[0]).toStartWith("key-defaults:");
});

test("as a flag or variable it is JSON; a flag wins over the variable", () => {
  expect(keyDefaultsSetting().parse('{"rpm": 5, "budget-tokens-per-day": 9}')).toEqual({
    rpm: 5,
    tokensPerDay: 9,
  });
  expect(keyDefaultsSetting().safeParse("rpm=5").error?.issues[0]?.message).toContain("expected a JSON map");
  const load = (argv: string[], env: Record<string, string>) => {
    const result = loadConfig({ argv, env, cwd: process.cwd(), version: "t" });
    return result.kind === "config" ? result.config.keyDefaults : result;
  };
  expect(load([], { AUTH_DEFAULTS: '{"rpm": 2}' })).toEqual({ rpm: 2 });
  expect(load(["--key-defaults", '{"tpm": 3}'], { AUTH_DEFAULTS: '{"rpm": 2}' })).toEqual({ tpm: 3 });
  expect(load([], { AUTH_DEFAULTS: "{" })).toMatchObject({
    kind: "error",
    message: expect.stringContaining("AUTH_DEFAULTS"),
  });
});

test("a key's own value wins field by field; what it leaves unset comes from the defaults", () => {
  const defaults = { models: ["llama3*"], rpm: 60, manage: true, tokensPerDay: 1000 };
  expect(withDefaults({ rpm: 600, manage: false }, defaults)).toEqual({
    models: ["llama3*"],
    rpm: 600,
    manage: false,
    tokensPerDay: 1000,
  });
  expect(withDefaults({ models: ["qwen3*"], admin: true }, defaults)).toEqual({
    models: ["qwen3*"],
    admin: true,
    rpm: 60,
    manage: true,
    tokensPerDay: 1000,
  });
  const own = { rpm: 1 };
  expect(withDefaults(own, {})).toBe(own);
});
