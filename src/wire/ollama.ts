// Ollama's wire types, as its server sends and accepts them: the one place the proxy describes them.
//
// ollama-js has its own types, but they describe what the client library hands back (timestamps as
// Date, every metric required) and lag the server (no `think: "max"`, no tool-call ids, no
// `tool_call_id`). These follow the JSON on the wire: fields Ollama omits when empty are optional,
// and every request type keeps an index signature because unknown fields ride along untouched.

/** `keep_alive`: seconds as a number, or a Go duration string such as `5m`, `1h30m`, `-1m`. */
export type KeepAlive = number | string;

export type Think = boolean | "low" | "medium" | "high" | "max";

/** `format`: "json" or a JSON schema object. */
export type Format = string | Record<string, unknown>;

export interface ToolCall {
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

/** A JSON schema as tools declare their parameters; only the parts the proxy and the fake read. */
export interface ToolParameters {
  type?: string;
  required?: string[];
  properties?: Record<
    string,
    { type?: string | string[]; description?: string; enum?: unknown[]; [k: string]: unknown }
  >;
  [field: string]: unknown;
}

export interface Tool {
  type: string;
  function: { name?: string; description?: string; parameters?: ToolParameters };
  [field: string]: unknown;
}

export interface Message {
  role: string;
  content: string;
  thinking?: string;
  /** Bare base64 (no `data:` prefix). */
  images?: string[];
  tool_calls?: ToolCall[];
  tool_name?: string;
  tool_call_id?: string;
  [field: string]: unknown;
}

/** Model options (`temperature`, `num_ctx`, `num_predict`, `stop`, ...): Ollama accepts any key. */
export type Options = Record<string, unknown>;

interface InferenceRequestBase {
  model?: string;
  stream?: boolean | null;
  format?: Format | null;
  keep_alive?: KeepAlive | null;
  think?: Think | null;
  options?: Options | null;
  logprobs?: boolean;
  top_logprobs?: number;
  [field: string]: unknown;
}

/** POST /api/chat. */
export interface ChatRequest extends InferenceRequestBase {
  messages?: Message[] | null;
  tools?: Tool[] | null;
}

/** POST /api/generate. */
export interface GenerateRequest extends InferenceRequestBase {
  prompt?: string | null;
  suffix?: string;
  system?: string | null;
  template?: string;
  raw?: boolean;
  images?: string[] | null;
  context?: number[];
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
}

export interface Logprob extends TokenLogprob {
  top_logprobs?: TokenLogprob[];
}

/** Fields every inference chunk may carry; zero metrics are omitted on the wire. */
interface ChunkBase {
  model?: string;
  /** RFC 3339. */
  created_at?: string;
  done?: boolean;
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
  logprobs?: Logprob[];
  /** Only on the in-band line that ends a failed stream. */
  error?: string;
  [field: string]: unknown;
}

/** One /api/chat NDJSON line (or the whole answer for `"stream": false`). */
export interface ChatChunk extends ChunkBase {
  message?: Partial<Message>;
}

/** One /api/generate NDJSON line. */
export interface GenerateChunk extends ChunkBase {
  response?: string;
  thinking?: string;
  context?: number[];
  tool_calls?: ToolCall[];
}

/** A chunk of either inference route; which one is known from the turn's kind. */
export type InferenceChunk = ChatChunk & GenerateChunk;

export interface ModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
}

/** One entry of GET /api/tags. */
export interface TagEntry {
  name: string;
  model?: string;
  modified_at?: string;
  size?: number;
  digest?: string;
  details?: ModelDetails;
  [field: string]: unknown;
}

export interface TagsResponse {
  /** Ollama has answered `null` here with no models installed. */
  models?: TagEntry[] | null;
}

/** One entry of GET /api/ps. */
export interface RunningModel extends TagEntry {
  expires_at?: string;
  size_vram?: number;
  context_length?: number;
}

export interface PsResponse {
  models?: RunningModel[] | null;
}

/** POST /api/show (the parts the proxy reads). */
export interface ShowResponse {
  capabilities?: string[];
  details?: ModelDetails;
  model_info?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One progress line of /api/pull (also push and create). */
export interface PullLine {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: string;
  [field: string]: unknown;
}

/** POST /api/embed. */
export interface EmbedRequest {
  model?: string;
  input?: string | string[];
  truncate?: boolean;
  dimensions?: number;
  keep_alive?: KeepAlive;
  options?: Options;
  [field: string]: unknown;
}

export interface EmbedResponse {
  model?: string;
  embeddings?: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

export interface VersionResponse {
  version?: string;
}

/** Every non-2xx JSON body, and the in-band line that ends a failed stream. */
export interface ErrorBody {
  error: string;
}

/**
 * Ollama's fixed routes. `namesModel`: a small JSON body that names a model (the access log reads it;
 * blob uploads are never read).
 */
export const OLLAMA_ROUTES: Readonly<Record<string, { namesModel: boolean }>> = {
  "/": { namesModel: false },
  "/api/version": { namesModel: false },
  "/api/tags": { namesModel: false },
  "/api/ps": { namesModel: false },
  "/api/chat": { namesModel: true },
  "/api/generate": { namesModel: true },
  "/api/show": { namesModel: true },
  "/api/pull": { namesModel: true },
  "/api/push": { namesModel: true },
  "/api/create": { namesModel: true },
  "/api/copy": { namesModel: true },
  "/api/delete": { namesModel: true },
  "/api/embed": { namesModel: true },
  "/api/embeddings": { namesModel: true },
  "/v1/chat/completions": { namesModel: true },
  "/v1/completions": { namesModel: true },
  "/v1/embeddings": { namesModel: true },
  "/v1/models": { namesModel: false },
  "/v1/responses": { namesModel: true },
  "/v1/messages": { namesModel: true },
};
