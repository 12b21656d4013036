// Model-name equivalence, validity, cloud names and the allow/deny globs of auto-pull.
import { describe, expect, test } from "bun:test";
import { globToRegExp, isCloudModel, modelKey, pullRefusal } from "../../../src/models/names.ts";
import { isValidModelName, MAX_NAME_LENGTH } from "../../../src/models/valid-name.ts";

describe("modelKey", () => {
  test("applies Ollama's default tag, host and namespace", () => {
    expect(modelKey("llama3.2")).toBe("llama3.2:latest");
    expect(modelKey("llama3.2:latest")).toBe("llama3.2:latest");
    expect(modelKey("library/llama3.2")).toBe("llama3.2:latest");
    expect(modelKey("registry.ollama.ai/library/llama3.2:3b")).toBe("llama3.2:3b");
    expect(modelKey("Llama3.2:3B")).toBe("llama3.2:3b");
  });

  test("keeps other hosts and namespaces, and ports are not tags", () => {
    expect(modelKey("hf.co/acme/tiny-GGUF:Q4_K_M")).toBe("hf.co/acme/tiny-gguf:q4_k_m");
    expect(modelKey("acme/tiny")).toBe("acme/tiny:latest");
    expect(modelKey("localhost:5000/acme/tiny")).toBe("localhost:5000/acme/tiny:latest");
  });
});

test("cloud models are recognised by their tag", () => {
  expect(isCloudModel("qwen3:cloud")).toBe(true);
  expect(isCloudModel("gpt-oss:120b-cloud")).toBe(true);
  expect(isCloudModel("cloud")).toBe(false);
  expect(isCloudModel("llama3.2")).toBe(false);
});

test("globs: * spans slashes and colons, ? is one character, the rest is literal", () => {
  expect(globToRegExp("hf.co/*").test("hf.co/acme/x:q4")).toBe(true);
  expect(globToRegExp("qwen?:*").test("qwen3:8b")).toBe(true);
  expect(globToRegExp("llama3.2").test("llama3x2")).toBe(false);
});

describe("pullRefusal", () => {
  test("an empty policy allows everything", () => {
    expect(pullRefusal("anything", { allow: [], deny: [] })).toBeNull();
  });

  test("deny wins over allow and names the pattern", () => {
    const policy = { allow: ["*"], deny: ["hf.co/*", "llama3.2"] };
    expect(pullRefusal("hf.co/acme/x", policy)).toContain("PULL_DENY (hf.co/*)");
    // A bare pattern means the :latest tag, like the name it stands for.
    expect(pullRefusal("llama3.2:latest", policy)).toContain("PULL_DENY (llama3.2)");
    expect(pullRefusal("llama3.2:1b", policy)).toBeNull();
  });

  test("with an allow list only matching models may be pulled", () => {
    const policy = { allow: ["llama3.2*", "qwen3:*"], deny: [] };
    expect(pullRefusal("llama3.2:1b", policy)).toBeNull();
    expect(pullRefusal("qwen3", policy)).toBeNull();
    expect(pullRefusal("mistral", policy)).toContain("PULL_ALLOW");
  });
});

describe("isValidModelName follows Ollama's types/model/name.go", () => {
  test("names Ollama accepts", () => {
    for (const name of [
      "llama3.2",
      "llama3.2:3b",
      " llama3.2 ",
      "library/llama3.2",
      "registry.ollama.ai/library/llama3.2:latest",
      "https://registry.ollama.ai/library/llama3.2",
      "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
      "localhost:5000/acme/tiny",
      "qwen3:cloud",
      "gpt-oss:120b-cloud",
      "llama3.2:local",
      "_private",
      `${"h".repeat(350)}/${"n".repeat(80)}/${"m".repeat(80)}:${"t".repeat(80)}`,
    ]) {
      expect(isValidModelName(name), name).toBe(true);
    }
  });

  test("names Ollama refuses: bad characters, empty parts, too many parts, parts too long", () => {
    for (const name of [
      "",
      "   ",
      "a b",
      "mödel",
      "-leading-dash",
      "model:",
      ":tag",
      "/model",
      "ns.with.dot/model",
      "a/b/c/d",
      "https://ns/model",
      "model@sha256:abc",
      "m".repeat(81),
      `m:${"t".repeat(81)}`,
      `${"h".repeat(351)}/ns/model`,
      `${"s".repeat(17)}://host/ns/model`,
      "x".repeat(5_000_000),
    ]) {
      expect(isValidModelName(name), name.slice(0, 40)).toBe(false);
    }
  });

  test("no valid name is longer than MAX_NAME_LENGTH", () => {
    const longest = `${"s".repeat(16)}://${"h".repeat(350)}/${"n".repeat(80)}/${"m".repeat(80)}:${"t".repeat(80)}-cloud`;
    expect(isValidModelName(longest)).toBe(true);
    expect(longest.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  });
});
