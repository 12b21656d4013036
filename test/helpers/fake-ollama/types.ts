// Public shapes of the fake Ollama server: models, behaviour knobs, recorded requests, the handle.

export interface FakeModel {
  /** Full name with tag, e.g. "llama3.2:latest". */
  name: string;
  /** Ollama capability names: "completion", "tools", "thinking", "vision", "insert", "embedding". */
  capabilities: string[];
  size?: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
}

export interface RegistryModel {
  name: string;
  /** Byte sizes of the layers a pull downloads. */
  layers: number[];
  capabilities?: string[];
}

export interface FakeBehaviour {
  /** Delay before status+headers of inference/pull responses (Ollama sends nothing while loading). */
  firstByteDelayMs: number;
  /** Delay between NDJSON chunks. */
  chunkDelayMs: number;
  /** After N chunks emit {"error":failMessage} and end the stream (status stays 200). */
  failAfterChunks: number | null;
  failMessage: string;
  /** After N chunks cut the connection abruptly, without a terminating chunk. */
  dropAfterChunks: number | null;
  /**
   * After N chunks (or progress lines) end the body cleanly, without the rest and without the final
   * `done` / `success` line: a well-formed response that is nonetheless incomplete.
   */
  endAfterChunks: number | null;
  /** Overrides the deterministic reply text. */
  replyText: string | null;
  /** Delay between pull/push/create progress lines. */
  pullChunkDelayMs: number;
  /** Pull emits an error line after N progress lines (the model is not installed). */
  pullFailAfterLines: number | null;
  /**
   * Inference requests it takes at once (running + queued, Ollama's OLLAMA_MAX_QUEUE); one more gets
   * 503 "server busy". null = no limit.
   */
  maxPending: number | null;
}

export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  search: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON when JSON, string otherwise, undefined when empty; blob uploads: { bytes }. */
  body: unknown;
  startedAt: number;
  endedAt?: number;
  /** True when the client went away before the response finished (set as soon as noticed). */
  aborted: boolean;
}

export interface FakeOllama {
  /** "http://127.0.0.1:<port>" */
  url: string;
  port: number;
  /** Mutable defaults; per-request x-fake-* headers win over them. */
  behaviour: FakeBehaviour;
  requests: RecordedRequest[];
  /** Installed models (pull/create/copy add, delete removes). */
  models: FakeModel[];
  /** Normalised names of loaded models, as /api/ps reports them. */
  loaded: Set<string>;
  /** What /api/pull can fetch. */
  registry: RegistryModel[];
  /** Digests ("sha256:<hex>") of uploaded blobs. */
  blobs: Set<string>;
  openRequests: number;
  peakOpenRequests: number;
  /** Inference requests (chat, generate, embed, every dialect) in flight now, and at most so far. */
  inferenceInFlight: number;
  peakInferenceInFlight: number;
  requestsTo(path: string): RecordedRequest[];
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Clears requests, blobs and loaded models; restores default behaviour, models, registry and peak counter. */
  reset(): void;
  stop(): Promise<void>;
}

export interface FakeOllamaOptions {
  version?: string;
  models?: FakeModel[];
  registry?: RegistryModel[];
  behaviour?: Partial<FakeBehaviour>;
  /** Ollama's DNS-rebinding Host check (on unless false). */
  hostCheck?: boolean;
  /** Bun.serve idleTimeout in seconds; 0 (default) disables it like Ollama, which has none. */
  idleTimeout?: number;
  /** Extra allowed CORS origins, like OLLAMA_ORIGINS. */
  origins?: string[];
  /** Port to listen on (0 = any free one): a test restarts a stopped server where it was. */
  port?: number;
}
