// Go struct shapes of Ollama's request types (api/types.go), field by field.
import { parseKeepAlive, thinkError } from "./go-values.ts";

export type GoType =
  | { kind: "string" | "bool" | "int" | "float" | "any" }
  | { kind: "map"; name: string }
  | { kind: "slice"; name: string; elem: GoType }
  | { kind: "bytes"; name: string }
  | { kind: "struct"; name: string; fields: Record<string, GoType> }
  /** Types with their own UnmarshalJSON: their error text is returned as is, and stops decoding. */
  | { kind: "custom"; check: (v: unknown) => string | null };

const str: GoType = { kind: "string" };
const bool: GoType = { kind: "bool" };
const int: GoType = { kind: "int" };
const any: GoType = { kind: "any" };
const anyMap: GoType = { kind: "map", name: "map[string]interface {}" };
const keepAlive: GoType = {
  kind: "custom",
  check: (v) => {
    const r = parseKeepAlive(v);
    return "error" in r ? r.error : null;
  },
};
const think: GoType = { kind: "custom", check: thinkError };
const images: GoType = {
  kind: "slice",
  name: "[]api.ImageData",
  elem: { kind: "bytes", name: "api.ImageData" },
};
const message: GoType = {
  kind: "struct",
  name: "Message",
  fields: {
    role: str,
    content: str,
    thinking: str,
    images,
    tool_calls: any,
    tool_name: str,
    tool_call_id: str,
  },
};
const messages: GoType = { kind: "slice", name: "[]api.Message", elem: message };

function struct(name: string, fields: Record<string, GoType>): GoType & { kind: "struct" } {
  return { kind: "struct", name, fields };
}

export const REQUEST_TYPES = {
  chat: struct("ChatRequest", {
    model: str,
    messages,
    stream: bool,
    format: any,
    keep_alive: keepAlive,
    tools: { kind: "slice", name: "api.Tools", elem: anyMap },
    options: anyMap,
    think,
    truncate: bool,
    shift: bool,
    logprobs: bool,
    top_logprobs: int,
  }),
  generate: struct("GenerateRequest", {
    model: str,
    prompt: str,
    suffix: str,
    system: str,
    template: str,
    context: { kind: "slice", name: "[]int", elem: int },
    stream: bool,
    raw: bool,
    format: any,
    keep_alive: keepAlive,
    images,
    options: anyMap,
    think,
    truncate: bool,
    shift: bool,
    logprobs: bool,
    top_logprobs: int,
  }),
  embed: struct("EmbedRequest", {
    model: str,
    input: any,
    keep_alive: keepAlive,
    truncate: bool,
    dimensions: int,
    options: anyMap,
  }),
  embeddings: struct("EmbeddingRequest", { model: str, prompt: str, keep_alive: keepAlive, options: anyMap }),
  pull: struct("PullRequest", {
    model: str,
    name: str,
    insecure: bool,
    stream: bool,
    username: str,
    password: str,
  }),
  push: struct("PushRequest", {
    model: str,
    name: str,
    insecure: bool,
    stream: bool,
    username: str,
    password: str,
  }),
  create: struct("CreateRequest", {
    model: str,
    name: str,
    from: str,
    stream: bool,
    quantize: str,
    template: str,
    system: str,
    parameters: anyMap,
    messages,
    files: { kind: "map", name: "map[string]string" },
    adapters: { kind: "map", name: "map[string]string" },
  }),
  show: struct("ShowRequest", {
    model: str,
    name: str,
    system: str,
    template: str,
    verbose: bool,
    options: anyMap,
  }),
  delete: struct("DeleteRequest", { model: str, name: str }),
  copy: struct("CopyRequest", { source: str, destination: str }),
} as const;
