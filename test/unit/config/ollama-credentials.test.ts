// Credentials in OLLAMA_URL: accepted, percent-decoded into a Basic header, never left in the URL.
import { describe, expect, test } from "bun:test";
import { configFrom, loadConfig } from "../../../src/config/index.ts";
import { normaliseOllamaUrl, redactOllamaUrl } from "../../../src/config/ollama-url.ts";
import { splitCredentials } from "../../../src/upstream/credentials.ts";

const load = (env: Record<string, string>) => loadConfig({ argv: [], env, cwd: "/srv/proxy", version: "1" });

describe("normaliseOllamaUrl keeps credentials for splitCredentials", () => {
  test.each([
    ["http://alice:pw@gpu:11434/ollama/", "http://alice:pw@gpu:11434/ollama"],
    // Without a scheme `user:pass@host:port` has two colons, but it is not a bare IPv6 address.
    ["alice:pw@gpu:9000", "http://alice:pw@gpu:9000"],
    ["tok@gpu", "http://tok@gpu:11434"],
    ["http://:pw@gpu", "http://:pw@gpu:80"],
    // An unencoded "@" in the password: the last "@" ends the credentials, as in browsers.
    ["http://alice:p@ss@gpu:1", "http://alice:p%40ss@gpu:1"],
  ])("%p → %p", (input, url) => {
    expect(normaliseOllamaUrl(input)).toEqual({ url });
  });

  test("an undecodable escape is refused with a message that does not repeat the value", () => {
    const result = normaliseOllamaUrl("http://alice:pw%zz@gpu:1");
    expect(result).toEqual({
      error: "expected the user name and password percent-encoded (%40 for @, %25 for %)",
    });
  });
});

describe("splitCredentials", () => {
  test.each([
    ["http://alice:p%40ss@gpu:11434/ollama", "http://gpu:11434/ollama", "alice:p@ss"],
    ["http://us%C3%A4r:p%C3%B6@gpu:80", "http://gpu:80", "usär:pö"],
    ["http://tok@gpu:11434", "http://gpu:11434", "tok:"],
    ["https://:pw@[::1]:443", "https://[::1]:443", ":pw"],
    ["http://alice:a%3Ab@gpu:1", "http://gpu:1", "alice:a:b"],
  ])("%p → %p with Basic(%p)", (input, url, plain) => {
    expect(splitCredentials(input)).toEqual({
      url,
      auth: `Basic ${Buffer.from(plain, "utf8").toString("base64")}`,
    });
  });

  test("the header is what Go's url.Userinfo and Bun's fetch would send", () => {
    expect(splitCredentials("http://alice:p%40ss@h:1").auth).toBe("Basic YWxpY2U6cEBzcw==");
    expect(splitCredentials("http://us%C3%A4r:p%C3%B6@h:1").auth).toBe("Basic dXPDpHI6cMO2");
  });

  test.each(["http://gpu:11434", "http://@gpu:1", "http://gpu:1/a@b"])("%p carries none", (input) => {
    expect(splitCredentials(input).auth).toBeNull();
  });
});

describe("config", () => {
  test("exposes the URL without credentials and the Basic header beside it", () => {
    const r = load({ OLLAMA_URL: "http://alice:p%40ss@gpu:11434" });
    if (r.kind !== "config") throw new Error(r.kind);
    expect(r.config.ollamaUrl).toBe("http://gpu:11434");
    expect(r.config.ollamaAuth).toBe("Basic YWxpY2U6cEBzcw==");
  });

  test("no credentials, no header", () => {
    const r = load({});
    expect(r.kind === "config" && r.config.ollamaAuth).toBeNull();
  });

  test("configFrom (tests, composition) splits a URL given with credentials too", () => {
    const config = configFrom({ ollamaUrl: "http://alice:pw@gpu:1" });
    expect([config.ollamaUrl, config.ollamaAuth]).toEqual(["http://gpu:1", "Basic YWxpY2U6cHc="]);
  });

  test("a refused OLLAMA_URL is echoed with its credentials masked", () => {
    const r = load({ OLLAMA_URL: "http://alice:hunter2@gpu:99999" });
    expect(r).toEqual({
      kind: "error",
      message:
        'invalid OLLAMA_URL="http://***@gpu:99999": expected host, host:port, :port or an http(s) URL (port 1-65535)',
    });
  });

  test.each([
    ["http://alice:pw@gpu:1", "http://***@gpu:1"],
    ["alice:p@ss@gpu", "***@gpu"],
    [' "https://tok@gpu"', ' "https://***@gpu"'],
    ["ftp://x", "ftp://x"],
  ])("redactOllamaUrl(%p) → %p", (raw, shown) => {
    expect(redactOllamaUrl(raw)).toBe(shown);
  });
});
