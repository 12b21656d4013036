// Default behaviour, installed models and registry of the fake Ollama server.
import type { FakeBehaviour, FakeModel, RegistryModel } from "./types.ts";

export const DEFAULT_BEHAVIOUR: FakeBehaviour = Object.freeze({
  firstByteDelayMs: 0,
  chunkDelayMs: 0,
  failAfterChunks: null,
  // The text llama.cpp runner failures surface with in real Ollama.
  failMessage: "an error was encountered while running the model: unexpected EOF",
  dropAfterChunks: null,
  endAfterChunks: null,
  replyText: null,
  pullChunkDelayMs: 0,
  pullFailAfterLines: null,
  maxPending: null,
});

/** What a pull error looks like when the download breaks midway. */
export const PULL_FAIL_MESSAGE = "max retries exceeded: unexpected EOF";

export const DEFAULT_MODELS: FakeModel[] = [
  {
    name: "llama3.2:latest",
    capabilities: ["completion", "tools"],
    size: 2_019_393_189,
    family: "llama",
    parameterSize: "3.2B",
    quantization: "Q4_K_M",
  },
  {
    name: "qwen3:latest",
    capabilities: ["completion", "tools", "thinking"],
    size: 5_225_387_923,
    family: "qwen3",
    parameterSize: "8.2B",
    quantization: "Q4_K_M",
  },
  {
    name: "llava:latest",
    capabilities: ["completion", "vision"],
    size: 4_733_363_377,
    family: "llama",
    parameterSize: "7B",
    quantization: "Q4_0",
  },
  {
    name: "nomic-embed-text:latest",
    capabilities: ["embedding"],
    size: 274_302_450,
    family: "nomic-bert",
    parameterSize: "137M",
    quantization: "F16",
  },
  {
    // A name with a host and namespace, like models pulled straight from Hugging Face.
    name: "hf.co/acme/tiny-GGUF:Q4_K_M",
    capabilities: ["completion"],
    size: 668_788_096,
    family: "llama",
    parameterSize: "1.1B",
    quantization: "Q4_K_M",
  },
];

export const DEFAULT_REGISTRY: RegistryModel[] = [
  { name: "tinyllama:latest", layers: [2_000_000, 500, 120], capabilities: ["completion"] },
  { name: "phi3:mini", layers: [3_000_000, 1_100, 90], capabilities: ["completion"] },
  { name: "mistral:latest", layers: [4_000_000, 800, 485, 30], capabilities: ["completion", "tools"] },
  ...DEFAULT_MODELS.map((m) => ({
    name: m.name,
    layers: [1_500_000, 700, 110],
    capabilities: [...m.capabilities],
  })),
];

/** Deep copies so that tests mutating a fake never leak into the defaults or another fake. */
export function cloneModels(models: readonly FakeModel[]): FakeModel[] {
  return models.map((m) => ({ ...m, capabilities: [...m.capabilities] }));
}

export function cloneRegistry(registry: readonly RegistryModel[]): RegistryModel[] {
  return registry.map((m) => ({
    ...m,
    layers: [...m.layers],
    ...(m.capabilities ? { capabilities: [...m.capabilities] } : {}),
  }));
}
