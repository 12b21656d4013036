// Reads /api/chat and /api/generate bodies with Ollama's own texts for empty, malformed and wrongly
// typed input; only the fields the proxy reads are checked, everything else passes on untouched.
import { ProxyError } from "../../errors.ts";
import { parseJson } from "../../http/parse-json.ts";
import { goJsonError } from "../../wire/go-json-errors.ts";
import type { ChatRequest, GenerateRequest } from "../../wire/ollama.ts";

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === "string";
const isBool: Check = (v) => typeof v === "boolean";
const isArray: Check = (v) => Array.isArray(v);
const isObject: Check = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** Field → (check, Go type name). `null` is accepted for every field, as Go's decoder does. */
const CHAT_FIELDS: Record<string, [Check, string]> = {
  model: [isString, "string"],
  messages: [isArray, "[]api.Message"],
  stream: [isBool, "bool"],
  options: [isObject, "map[string]interface {}"],
  tools: [isArray, "api.Tools"],
};

const GENERATE_FIELDS: Record<string, [Check, string]> = {
  model: [isString, "string"],
  prompt: [isString, "string"],
  system: [isString, "string"],
  stream: [isBool, "bool"],
  images: [isArray, "[]api.ImageData"],
  options: [isObject, "map[string]interface {}"],
};

const MESSAGE_FIELDS: Record<string, [Check, string]> = {
  role: [isString, "string"],
  content: [isString, "string"],
  images: [isArray, "[]api.ImageData"],
};

function checkChatBody(body: Record<string, unknown>): void {
  checkFields(body, CHAT_FIELDS, "ChatRequest", "");
  const messages = body.messages;
  if (Array.isArray(messages)) {
    for (const m of messages) {
      if (m === null) continue;
      if (!isObject(m)) throw unmarshalError("ChatRequest", "messages", m, "api.Message");
      checkFields(m as Record<string, unknown>, MESSAGE_FIELDS, "ChatRequest", "messages.");
    }
  }
}

function checkGenerateBody(body: Record<string, unknown>): void {
  checkFields(body, GENERATE_FIELDS, "GenerateRequest", "");
}

function checkFields(
  body: Record<string, unknown>,
  fields: Record<string, [Check, string]>,
  struct: GoStructName,
  prefix: string,
): void {
  for (const [name, [check, goType]] of Object.entries(fields)) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (!check(value)) throw unmarshalError(struct, prefix + name, value, goType);
  }
}

/** Ollama streams unless the body says `"stream": false` (absent or null means stream). */
export function wantsStream(body: { stream?: unknown }): boolean {
  return body.stream !== false;
}

export interface NativeBody<T> {
  text: string;
  value: T;
}

/** The body of POST /api/chat, checked as Ollama's decoder would. */
export function readChatBody(text: string): NativeBody<ChatRequest> {
  const { value } = readJsonObject(text, "ChatRequest");
  checkChatBody(value);
  return { text, value: value as ChatRequest };
}

export function readGenerateBody(text: string): NativeBody<GenerateRequest> {
  const { value } = readJsonObject(text, "GenerateRequest");
  checkGenerateBody(value);
  return { text, value: value as GenerateRequest };
}

interface JsonBody {
  text: string;
  value: Record<string, unknown>;
}

/** Ollama's Go struct names, used in its "cannot unmarshal" messages. */
type GoStructName = "ChatRequest" | "GenerateRequest";

function readJsonObject(text: string, struct: GoStructName): JsonBody {
  if (text.trim() === "") throw new ProxyError(400, "missing request body");
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    throw new ProxyError(400, goJsonError(text));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ProxyError(
      400,
      `json: cannot unmarshal ${goTypeOf(value)} into Go value of type api.${struct}`,
    );
  }
  return { text, value: value as Record<string, unknown> };
}

/** Go's names for JSON value kinds in unmarshal errors. */
function goTypeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** `json: cannot unmarshal number into Go struct field ChatRequest.model of type string`. */
function unmarshalError(struct: GoStructName, field: string, value: unknown, goType: string): ProxyError {
  return new ProxyError(
    400,
    `json: cannot unmarshal ${goTypeOf(value)} into Go struct field ${struct}.${field} of type ${goType}`,
  );
}
