// OpenAI chat messages → native /api/chat messages (roles, content parts, tool calls, reasoning).
import { z } from "zod";
import { parseJson } from "../../../wire/json-depth.ts";
import type { Message, ToolCall } from "../../../wire/ollama.ts";
import { convertContent } from "./chat-content.ts";
import { OpenAIRequestError } from "./openai-error.ts";

const toolCallSchema = z.looseObject({
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string(), arguments: z.unknown().optional() }),
});

export const messageSchema = z.looseObject({
  role: z.string(),
  content: z.unknown().optional(),
  name: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  tool_call_id: z.string().nullish(),
  reasoning: z.string().nullish(),
  reasoning_content: z.string().nullish(),
});

type OpenAIMessage = z.output<typeof messageSchema>;
type OpenAIToolCall = z.output<typeof toolCallSchema>;

// `developer` is OpenAI's newer name for `system`; `function` is the legacy name for a tool result.
const ROLE_ALIASES: Readonly<Record<string, string>> = { developer: "system", function: "tool" };
const ROLES: ReadonlySet<string> = new Set(["system", "user", "assistant", "tool"]);

function parseArguments(raw: unknown, param: string): Record<string, unknown> {
  // Some clients send "" for a call without arguments; that is an empty object, not an error.
  if (raw === "" || raw == null) return {};
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = parseJson(raw);
    } catch {
      throw new OpenAIRequestError("invalid tool call arguments", 400, param);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OpenAIRequestError("invalid tool call arguments", 400, param);
  }
  return value as Record<string, unknown>;
}

function toNativeToolCalls(calls: OpenAIToolCall[], at: string): ToolCall[] {
  return calls.map((call, j) => {
    const args = parseArguments(call.function.arguments, `${at}.tool_calls[${j}].function.arguments`);
    const native: ToolCall = { function: { name: call.function.name, arguments: args } };
    if (call.id) native.id = call.id;
    return native;
  });
}

/** The latest earlier assistant call with this id names the tool (last one wins on duplicate ids). */
function toolNameFor(messages: OpenAIMessage[], before: number, id: string): string | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const found = messages[i]?.tool_calls?.find((call) => call.id === id);
    if (found) return found.function.name;
  }
  return undefined;
}

function roleOf(message: OpenAIMessage, at: string): string {
  const lower = message.role.toLowerCase();
  const role = ROLE_ALIASES[lower] ?? lower;
  if (!ROLES.has(role)) {
    throw new OpenAIRequestError(
      `invalid role '${message.role}': expected system, developer, user, assistant or tool`,
      400,
      `${at}.role`,
    );
  }
  return role;
}

export function convertMessages(messages: OpenAIMessage[]): Message[] {
  return messages.map((message, i) => {
    const at = `messages[${i}]`;
    const role = roleOf(message, at);
    // Only an assistant turn may lack content (it usually carries tool_calls instead).
    if (message.content == null && role !== "assistant") {
      throw new OpenAIRequestError(`Missing required parameter: '${at}.content'.`, 400, `${at}.content`);
    }
    const { content, images } = convertContent(message.content, at);
    const native: Message = { role, content };
    if (images.length > 0) native.images = images;
    if (role === "assistant") {
      if (message.tool_calls?.length) native.tool_calls = toNativeToolCalls(message.tool_calls, at);
      const thinking = message.reasoning || message.reasoning_content;
      if (thinking) native.thinking = thinking;
    }
    if (role === "tool") {
      const id = message.tool_call_id ?? undefined;
      const name = message.name || (id ? toolNameFor(messages, i, id) : undefined);
      if (name) native.tool_name = name;
      if (id) native.tool_call_id = id;
    }
    return native;
  });
}
