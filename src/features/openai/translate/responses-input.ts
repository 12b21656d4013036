// Responses `instructions` + `input` (a string or a list of items) → native /api/chat messages.
import { parseJson } from "../../../wire/json-depth.ts";
import type { Message } from "../../../wire/ollama.ts";
import { OpenAIRequestError } from "./openai-error.ts";
import { convertResponsesContent } from "./responses-content.ts";
import { Conversation } from "./responses-conversation.ts";

type Item = Record<string, unknown>;

const ROLES: Readonly<Record<string, string>> = {
  user: "user",
  assistant: "assistant",
  system: "system",
  // Native templates know no `developer` role; it is OpenAI's newer name for `system`.
  developer: "system",
};

/** Items that only make sense where the state or the built-in tools live (OpenAI's servers). */
const STATEFUL: Readonly<Record<string, string>> = {
  item_reference:
    "an item_reference points at a stored item, and the proxy stores none (stateless, like Ollama)",
  compaction: "a compaction item can only be expanded by the server that made it",
};

function fail(message: string, param: string): never {
  throw new OpenAIRequestError(message, 400, param);
}

function requiredString(item: Item, key: string, at: string): string {
  const value = item[key];
  if (typeof value !== "string" || value === "")
    fail(`Missing required parameter: '${at}.${key}'.`, `${at}.${key}`);
  return value;
}

function parseArguments(raw: unknown, param: string): Record<string, unknown> {
  if (raw === "" || raw == null) return {};
  let value: unknown;
  try {
    value = typeof raw === "string" ? parseJson(raw) : raw;
  } catch (err) {
    fail(`failed to parse function call arguments: ${(err as Error).message}`, param);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("failed to parse function call arguments: expected a JSON object", param);
  }
  return value as Record<string, unknown>;
}

/** Reasoning replayed from an earlier answer: its full text rides in `encrypted_content` (as Ollama sends it). */
function reasoningText(item: Item): string {
  if (typeof item.encrypted_content === "string" && item.encrypted_content) return item.encrypted_content;
  const parts = [item.content, item.summary].find((p) => Array.isArray(p) && p.length > 0) as
    | Array<{ text?: unknown }>
    | undefined;
  return (parts ?? []).map((p) => (typeof p.text === "string" ? p.text : "")).join("\n");
}

function itemType(item: Item, at: string): string {
  if (typeof item.type === "string") return item.type;
  if (item.type == null && typeof item.role === "string") return "message";
  return fail(`${at}: input item missing required 'type' field`, `${at}.type`);
}

function addItem(conv: Conversation, item: Item, next: unknown, at: string): void {
  const type = itemType(item, at);
  switch (type) {
    case "message": {
      const raw = requiredString(item, "role", at);
      const role = ROLES[raw.toLowerCase()];
      if (!role) fail(`invalid role '${raw}': expected user, assistant, system or developer`, `${at}.role`);
      if (item.content == null) fail(`Missing required parameter: '${at}.content'.`, `${at}.content`);
      const { content, images } = convertResponsesContent(item.content, at);
      const message: Message = { role, content };
      if (images.length) message.images = images;
      const following = next as Item | undefined;
      const answers =
        following?.type === "function_call_output" ? String(following.call_id ?? "") : undefined;
      conv.message(message, answers);
      return;
    }
    case "function_call": {
      const id = requiredString(item, "call_id", at);
      const own = requiredString(item, "name", at);
      const name = typeof item.namespace === "string" && item.namespace ? `${item.namespace}.${own}` : own;
      conv.call({ id, function: { name, arguments: parseArguments(item.arguments, `${at}.arguments`) } });
      return;
    }
    case "function_call_output": {
      const id = requiredString(item, "call_id", at);
      if (item.output == null) fail(`Missing required parameter: '${at}.output'.`, `${at}.output`);
      const { content, images } = convertResponsesContent(item.output, at, "output");
      const message: Message = { role: "tool", content, tool_call_id: id };
      if (images.length) message.images = images;
      const name = conv.toolNameFor(id);
      if (name) message.tool_name = name;
      conv.output(message);
      return;
    }
    case "reasoning":
      conv.thinking(reasoningText(item));
      return;
    default: {
      const why =
        STATEFUL[type] ??
        `unsupported input item type '${type}': Ollama runs none of OpenAI's built-in tools`;
      fail(`${at}: ${why}`, `${at}.type`);
    }
  }
}

export function convertResponsesInput(input: unknown, instructions: string | null | undefined): Message[] {
  const conv = new Conversation();
  if (instructions) conv.output({ role: "system", content: instructions });
  if (typeof input === "string") {
    conv.output({ role: "user", content: input });
    return conv.finish();
  }
  if (input == null) fail("Missing required parameter: 'input'.", "input");
  if (!Array.isArray(input)) fail("input must be a string or an array of input items", "input");
  if (input.length === 0) fail("input must not be an empty list", "input");
  input.forEach((item, i) => {
    const at = `input[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) fail(`${at} must be an object`, at);
    addItem(conv, item as Item, input[i + 1], at);
  });
  return conv.finish();
}
