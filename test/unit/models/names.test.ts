// Model-name equivalence, cloud names and the allow/deny globs of auto-pull.
import { describe, expect, test } from "bun:test";
import { globToRegExp, isCloudModel, modelKey, pullRefusal } from "../../../src/models/names.ts";

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
