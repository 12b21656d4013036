// The model settings: parsing, defaults and one-line start-up errors.
import { describe, expect, test } from "bun:test";
import { configFrom, loadConfig } from "../../../src/config/index.ts";
import { parseKeepAlive } from "../../../src/config/model-settings.ts";

function load(env: Record<string, string>) {
  return loadConfig({ argv: [], env, cwd: "/", version: "test" });
}

function errorOf(env: Record<string, string>): string {
  const result = load(env);
  if (result.kind !== "error") throw new Error(`expected an error, got ${result.kind}`);
  return result.message;
}

test("defaults: auto-pull on, nothing else configured", () => {
  const config = configFrom({});
  expect(config.autoPull).toBe(true);
  expect(config.modelAliases).toEqual({});
  expect(config.defaultModel).toBe("");
  expect(config.keepAlive).toBeNull();
  expect(config.modelKeepAlive).toEqual({});
  expect(config.pullAllow).toEqual([]);
  expect(config.pullRetryAfterMs).toBe(30_000);
  expect(config.pullGraceMs).toBe(30_000);
  expect(config.modelsCacheMs).toBe(5000);
});

test("keep-alive: numbers are seconds, durations stay strings", () => {
  expect(parseKeepAlive("3600")).toBe(3600);
  expect(parseKeepAlive("-1")).toBe(-1);
  expect(parseKeepAlive("0")).toBe(0);
  expect(parseKeepAlive("5m")).toBe("5m");
  expect(parseKeepAlive("1h30m")).toBe("1h30m");
  expect(parseKeepAlive("-1m")).toBe("-1m");
  expect(parseKeepAlive("5 minutes")).toBeNull();
  expect(parseKeepAlive("forever")).toBeNull();
});

describe("from the environment", () => {
  test("every model setting parses", () => {
    const result = load({
      MODEL_ALIASES: "gpt-4o-mini=llama3.2:3b, gpt-4o = qwen3",
      DEFAULT_MODEL: "gpt-4o-mini",
      AUTO_PULL: "false",
      PULL_ALLOW: "llama*, qwen3:*",
      PULL_DENY: "hf.co/*",
      WARM_MODELS: "llama3.2,qwen3",
      KEEP_ALIVE: "30m",
      MODEL_KEEP_ALIVE: "llama3.2=-1,qwen3=600",
      MODELS_CACHE_MS: "100",
    });
    if (result.kind !== "config") throw new Error(result.kind);
    const c = result.config;
    expect(c.modelAliases).toEqual({ "gpt-4o-mini": "llama3.2:3b", "gpt-4o": "qwen3" });
    expect(c.defaultModel).toBe("gpt-4o-mini");
    expect(c.autoPull).toBe(false);
    expect(c.pullAllow).toEqual(["llama*", "qwen3:*"]);
    expect(c.pullDeny).toEqual(["hf.co/*"]);
    expect(c.warmModels).toEqual(["llama3.2", "qwen3"]);
    expect(c.keepAlive).toBe("30m");
    expect(c.modelKeepAlive).toEqual({ "llama3.2": -1, qwen3: 600 });
    expect(c.modelsCacheMs).toBe(100);
  });

  test("bad values stop start-up with one line naming the variable", () => {
    expect(errorOf({ MODEL_ALIASES: "gpt-4o-mini" })).toBe(
      'invalid MODEL_ALIASES="gpt-4o-mini": expected name=value pairs separated by commas, got "gpt-4o-mini"',
    );
    expect(errorOf({ MODEL_ALIASES: "a=b,b=c" })).toContain('alias target "b" is itself an alias');
    expect(errorOf({ MODEL_ALIASES: "my model=llama3.2" })).toContain('"my model" is not a model name');
    expect(errorOf({ KEEP_ALIVE: "5 minutes" })).toContain("invalid KEEP_ALIVE=");
    expect(errorOf({ MODEL_KEEP_ALIVE: "llama3.2=soon" })).toContain(
      "llama3.2: expected seconds or a duration",
    );
    expect(errorOf({ PULL_RETRY_AFTER_MS: "-5" })).toContain("PULL_RETRY_AFTER_MS");
    expect(errorOf({ DEFAULT_MODEL: "two words" })).toContain("expected a model name");
    for (const message of [errorOf({ WARM_MODELS: "a,b c" }), errorOf({ AUTO_PULL: "maybe" })]) {
      expect(message).not.toContain("\n");
    }
  });
});
