// Settings: OLLAMA_URL forms, flags over variables, one-line errors.
import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { normaliseOllamaUrl } from "../../../src/config/ollama-url.ts";

const load = (argv: string[], env: Record<string, string> = {}) =>
  loadConfig({ argv, env, cwd: "/srv/proxy", version: "1.0.0" });

describe("OLLAMA_URL accepts what Ollama's clients accept for OLLAMA_HOST", () => {
  test.each([
    ["", "http://127.0.0.1:11434"],
    ["1.2.3.4", "http://1.2.3.4:11434"],
    [":1234", "http://127.0.0.1:1234"],
    ["example.com:1234", "http://example.com:1234"],
    ["http://1.2.3.4", "http://1.2.3.4:80"],
    ["https://1.2.3.4", "https://1.2.3.4:443"],
    ["https://example.com/ollama/", "https://example.com:443/ollama"],
    ["::1", "http://[::1]:11434"],
    ["[::]", "http://[::]:11434"],
    ["ollama.com", "https://ollama.com:443"],
    ['"1.2.3.4"', "http://1.2.3.4:11434"],
    ["  'gpu-box:9000' ", "http://gpu-box:9000"],
    ["http://user:pass@h:5678/x", "http://user:pass@h:5678/x"],
  ])("%p → %p", (input, expected) => {
    expect(normaliseOllamaUrl(input)).toEqual({ url: expected });
  });

  test.each(["ftp://x", "http://h:99999", "http://h/?q=1"])("%p is refused", (input) => {
    expect(normaliseOllamaUrl(input)).toHaveProperty("error");
  });
});

describe("loadConfig", () => {
  test("defaults", () => {
    const r = load([]);
    if (r.kind !== "config") throw new Error(r.kind);
    expect(r.config).toMatchObject({
      ollamaUrl: "http://127.0.0.1:11434",
      host: "127.0.0.1",
      port: 11480,
      logFormat: "json",
    });
    expect(r.config.agentsDir).toBe("/srv/proxy/agents");
    expect(r.config.hostCheckEnabled).toBe(true);
    expect(Object.isFrozen(r.config)).toBe(true);
  });

  test("flags win over variables; both --flag value and --flag=value", () => {
    const r = load(["--port=9000", "--ollama-url", "gpu:1"], { PROXY_PORT: "8000", OLLAMA_URL: "other" });
    if (r.kind !== "config") throw new Error(r.kind);
    expect([r.config.port, r.config.ollamaUrl]).toEqual([9000, "http://gpu:1"]);
  });

  test("listening on every interface turns the Host guard off unless asked for", () => {
    const open = load(["--host", "0.0.0.0"]);
    const forced = load(["--host", "0.0.0.0", "--host-check", "on"]);
    expect(open.kind === "config" && open.config.hostCheckEnabled).toBe(false);
    expect(forced.kind === "config" && forced.config.hostCheckEnabled).toBe(true);
  });

  test.each([
    [["--port", "abc"], {}, 'invalid --port="abc": expected an integer from 0 to 65535'],
    [[], { PROXY_PORT: "70000" }, 'invalid PROXY_PORT="70000": expected an integer from 0 to 65535'],
    [[], { LOG_FORMAT: "xml" }, 'invalid LOG_FORMAT="xml": expected one of json, pretty'],
    [[], { ACCESS_LOG: "maybe" }, 'invalid ACCESS_LOG="maybe": expected true or false'],
    [["--port"], {}, "option --port needs a value"],
    [["--bogus", "1"], {}, 'unknown option "--bogus" (see --help)'],
  ])("%p %p → %p", (argv, env, message) => {
    expect(load(argv, env as Record<string, string>)).toEqual({ kind: "error", message });
  });

  test("base path is normalised", () => {
    const r = load(["--base-path", "ollama/"]);
    expect(r.kind === "config" && r.config.basePath).toBe("/ollama");
  });
});
