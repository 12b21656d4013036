// The config file: every setting under its flag name, typed values, precedence, one line per problem.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfigText } from "../../../src/config/file.ts";
import { FILE_KEYS } from "../../../src/config/file-schema.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { SETTINGS } from "../../../src/config/settings.ts";

const dir = mkdtempSync(path.join(tmpdir(), "proxy-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function load(text: string, argv: string[] = [], env: Record<string, string> = {}, ext = "yaml") {
  const file = path.join(dir, `c${n++}.${ext}`);
  writeFileSync(file, text);
  return loadConfig({ argv: ["--config", file, ...argv], env, cwd: dir, version: "1" });
}
function config(text: string, argv: string[] = [], env: Record<string, string> = {}) {
  const r = load(text, argv, env);
  if (r.kind !== "config") throw new Error(r.kind === "error" ? r.message : r.kind);
  return r.config;
}
function problems(text: string, ext = "yaml"): string[] {
  const r = load(text, [], {}, ext);
  if (r.kind !== "error") throw new Error(`expected an error, got ${r.kind}`);
  return r.message.split("\n").map((l) => l.replace(/^\S+\.(yaml|json): /, ""));
}

describe("keys", () => {
  test("every setting but --config is accepted under its flag name without dashes", () => {
    const keys = Object.values(SETTINGS)
      .filter((s) => s.flag !== "--config")
      .map((s) => s.flag.slice(2));
    expect([...FILE_KEYS.keys()].sort()).toEqual(keys.sort());
    // Each one given its default as a string: valid, and sourced from the file.
    const text = [...FILE_KEYS]
      .map(([k, key]) => `${k}: ${JSON.stringify(SETTINGS[key].default)}`)
      .join("\n");
    const c = config(text);
    for (const key of FILE_KEYS.values()) expect(c.sources[key]).toBe("file");
  });

  test("numbers, booleans, lists and maps as YAML writes them", () => {
    const c = config(
      [
        "port: 9000",
        "agents-watch: false",
        "keep-alive: -1",
        "warm-models: [llama3.2, qwen3]",
        "cors-origins:\n  - https://a.example\n  - https://b.example",
        "model-aliases:\n  gpt-4o-mini: llama3.2\n  gpt-4o: qwen3:latest",
        "model-keep-alive: { llama3.2: 10m, qwen3: -1 }",
        "agent-settings:\n  translate: { model: llama3.2 }",
      ].join("\n"),
    );
    expect(c.port).toBe(9000);
    expect(c.agentsWatch).toBe(false);
    expect(c.keepAlive).toBe(-1);
    expect(c.warmModels).toEqual(["llama3.2", "qwen3"]);
    expect(c.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(c.modelAliases).toEqual({ "gpt-4o-mini": "llama3.2", "gpt-4o": "qwen3:latest" });
    expect(c.modelKeepAlive).toEqual({ "llama3.2": "10m", qwen3: -1 });
    expect(c.agentSettingsMap).toEqual({ translate: { model: "llama3.2" } });
  });

  test("JSON files, an empty file, and `key:` with no value (not set)", () => {
    const json = load('{"port": 9001, "model-aliases": {"a": "llama3.2"}}', [], {}, "json");
    expect(json.kind === "config" && [json.config.port, json.config.modelAliases]).toEqual([
      9001,
      { a: "llama3.2" },
    ]);
    expect(config("").port).toBe(11480);
    expect(config("port:\n").sources.port).toBe("default");
  });

  test("presets", () => {
    const c = config(
      'presets:\n  coder:\n    model: qwen3-coder\n    agents: /expert "senior engineer" /concise\n    options: { temperature: 0.2 }\n    system: Be terse.\n',
    );
    expect(c.presets.coder).toEqual({
      model: "qwen3-coder",
      agents: '/expert "senior engineer" /concise',
      options: { temperature: 0.2 },
      system: "Be terse.",
      description: null,
    });
  });
});

describe("precedence: flag > environment > file > default", () => {
  test("each level wins over the next, and the source says which one applied", () => {
    const text = "port: 9000\nhost: 0.0.0.0\nlog-level: warn\n";
    const c = config(text, ["--port", "7000"], { PROXY_PORT: "8000", PROXY_HOST: "127.0.0.2" });
    expect([c.port, c.host, c.logLevel, c.logFormat]).toEqual([7000, "127.0.0.2", "warn", "json"]);
    expect([c.sources.port, c.sources.host, c.sources.logLevel, c.sources.logFormat]).toEqual([
      "flag",
      "env",
      "file",
      "default",
    ]);
  });

  test("CONFIG_FILE names the file too, and --help says what wins", () => {
    const file = path.join(dir, "env.yaml");
    writeFileSync(file, "port: 9002\n");
    const r = loadConfig({ argv: [], env: { CONFIG_FILE: file }, cwd: dir, version: "1" });
    expect(r.kind === "config" && r.config.port).toBe(9002);
    const help = loadConfig({ argv: ["--help"], env: {}, cwd: dir, version: "1" });
    expect(help.kind === "help" && help.text).toContain(
      "flag > environment variable > config file > default",
    );
  });
});

describe("problems: one line each, naming the key path, the value and what was expected", () => {
  test("wrong values, nested ones included", () => {
    expect(problems("port: 99999\nagent-settings:\n  translate: 5\nmodel-aliases:\n  x: [1]\n")).toEqual([
      "port: 99999: expected an integer from 0 to 65535",
      "agent-settings.translate: 5: expected a map of settings",
      "model-aliases.x: [1]: expected a string or a number",
    ]);
    expect(problems("presets:\n  p:\n    model: bad name\n    agents: hello\n")).toEqual([
      'presets.p.model: "bad name": expected a model name or alias such as qwen3:8b',
      'presets.p.agents: "hello": expected slash commands such as /expert "senior engineer" /concise',
    ]);
    expect(problems("presets:\n  p:\n    agents: /concise\n")).toEqual([
      "presets.p.model: (missing): expected a model name or alias such as qwen3:8b",
    ]);
  });

  test("unknown keys are errors with a suggestion when one is close", () => {
    expect(problems("olama-url: x\nOLLAMA_URL: y\nwhatever: 1\n")).toEqual([
      'olama-url: unknown key (did you mean "ollama-url"?)',
      'OLLAMA_URL: unknown key (did you mean "ollama-url"?)',
      "whatever: unknown key",
    ]);
    expect(problems("presets:\n  p:\n    model: m\n    agent: /concise\n")).toEqual([
      'presets.p.agent: unknown key (did you mean "agents"?)',
    ]);
    expect(problems("config: other.yaml\n")[0]).toStartWith("config: unknown key");
  });

  test("secrets in a refused value are masked", () => {
    const [line] = problems("ollama-url: ftp://me:hunter2@gpu\n");
    expect(line).toContain("ftp://***@gpu");
    expect(line).not.toContain("hunter2");
  });

  test("unreadable or malformed files, and a preset named like an alias", () => {
    const missing = loadConfig({ argv: ["--config", "nope.yaml"], env: {}, cwd: dir, version: "1" });
    expect(missing.kind === "error" && missing.message).toBe("nope.yaml: cannot read: no such file");
    expect(problems("a: [1\nb: 2")[0]).toStartWith("not valid YAML");
    expect(problems("[1, 2]")).toEqual(["(top level): [1,2]: expected a map of setting: value"]);
    expect(problems("model-aliases: { coder: llama3.2 }\npresets:\n  coder: { model: qwen3 }\n")).toEqual([
      "presets.coder: is also a model alias (MODEL_ALIASES); rename one of them",
    ]);
  });

  test("parseConfigText checks text without a file", () => {
    expect(parseConfigText("port: 1", false)).toMatchObject({ ok: true, file: { settings: { port: 1 } } });
  });
});
