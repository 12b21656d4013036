// Checks the fields of /api/chat and /api/generate bodies the proxy reads; everything else passes on.
import { type GoStructName, unmarshalError } from "./read-json.ts";

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

export function checkChatBody(body: Record<string, unknown>): void {
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

export function checkGenerateBody(body: Record<string, unknown>): void {
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
export function wantsStream(body: Record<string, unknown>): boolean {
  return body.stream !== false;
}
