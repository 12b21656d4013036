// The fake Ollama server for tests: a faithful stand-in for the upstream, with behaviour knobs.
export { DEFAULT_BEHAVIOUR, DEFAULT_MODELS, DEFAULT_REGISTRY } from "./fake-ollama/defaults.ts";
export { startFakeOllama } from "./fake-ollama/server.ts";
export type {
  FakeBehaviour,
  FakeModel,
  FakeOllama,
  FakeOllamaOptions,
  RecordedRequest,
  RegistryModel,
} from "./fake-ollama/types.ts";
