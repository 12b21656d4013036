// Anthropic `system` and `messages` → native /api/chat messages, in Ollama's order and shapes.
import type { Message, ToolCall } from "../../../wire/ollama.ts";
import { blockType, type Gathered, gatherInput, unsupportedBlock } from "./content.ts";
import { isRecord, refuse } from "./validate.ts";

/** The system prompt: a string, or text blocks joined with no separator (as Anthropic and Ollama do). */
export function convertSystem(system: unknown): Message | null {
  if (system == null) return null;
  let text = "";
  if (typeof system === "string") text = system;
  else if (Array.isArray(system)) {
    system.forEach((block, i) => {
      if (!isRecord(block) || block.type !== "text" || typeof block.text !== "string") {
        refuse(`system.${i}`, "only text blocks are allowed in the system prompt");
      }
      text += block.text;
    });
  } else refuse("system", "must be a string or an array of text blocks");
  return text ? { role: "system", content: text } : null;
}

const ROLES: ReadonlySet<string> = new Set(["user", "assistant", "system"]);

/** Tool results name their tool in native messages; the name comes from the call with the same id. */
type ToolNames = Map<string, string>;

export function convertMessages(messages: readonly unknown[]): Message[] {
  const names: ToolNames = new Map();
  return messages.flatMap((message, i) => convertMessage(message, `messages.${i}`, names));
}

function convertMessage(message: unknown, at: string, names: ToolNames): Message[] {
  if (!isRecord(message)) return refuse(at, "must be an object with role and content");
  if (typeof message.role !== "string") return refuse(`${at}.role`, "Field required");
  const role = message.role.toLowerCase();
  if (!ROLES.has(role)) {
    refuse(`${at}.role`, `expected "user" or "assistant", got ${JSON.stringify(message.role)}`);
  }
  const content = message.content;
  let blocks: readonly unknown[];
  if (typeof content === "string") blocks = [{ type: "text", text: content }];
  else if (Array.isArray(content)) blocks = content;
  else return refuse(`${at}.content`, "must be a string or an array of content blocks");

  const gathered: Gathered = { text: "", images: [] };
  let thinking = "";
  const calls: ToolCall[] = [];
  const results: Message[] = [];
  blocks.forEach((block, j) => {
    const where = `${at}.content.${j}`;
    const type = blockType(block, where);
    if (gatherInput(block, where, gathered)) return;
    const b = block as Record<string, unknown>;
    if (type === "thinking" && role === "assistant") {
      if (typeof b.thinking !== "string") refuse(`${where}.thinking`, "Field required");
      // Several blocks (thinking between tool calls) are kept in order; the signature is Anthropic's own.
      thinking += b.thinking;
    } else if (type === "tool_use" && role === "assistant") calls.push(toolCall(b, where, names));
    else if (type === "tool_result" && role === "user") results.push(toolResult(b, where, names));
    else unsupportedBlock(type, where);
  });

  const out: Message[] = [];
  if (gathered.text || gathered.images.length || calls.length || thinking) {
    const native: Message = { role, content: gathered.text };
    if (gathered.images.length) native.images = gathered.images;
    if (thinking) native.thinking = thinking;
    if (calls.length) native.tool_calls = calls;
    out.push(native);
  }
  // The results answer the previous assistant turn, so they come before this user turn's own text.
  return results.length ? [...results, ...out] : out;
}

function toolCall(block: Record<string, unknown>, at: string, names: ToolNames): ToolCall {
  if (typeof block.id !== "string" || !block.id) refuse(`${at}.id`, "Field required");
  if (typeof block.name !== "string" || !block.name) refuse(`${at}.name`, "Field required");
  const input = block.input ?? {};
  if (!isRecord(input)) refuse(`${at}.input`, "must be an object");
  names.set(block.id, block.name);
  return { id: block.id, function: { name: block.name, arguments: input } };
}

function toolResult(block: Record<string, unknown>, at: string, names: ToolNames): Message {
  const id = block.tool_use_id;
  if (typeof id !== "string" || !id) return refuse(`${at}.tool_use_id`, "Field required");
  const gathered: Gathered = { text: "", images: [] };
  const content = block.content;
  if (typeof content === "string") gathered.text = content;
  else if (Array.isArray(content)) {
    content.forEach((part, k) => {
      const where = `${at}.content.${k}`;
      if (!gatherInput(part, where, gathered)) unsupportedBlock(blockType(part, where), where);
    });
  } else if (content != null) refuse(`${at}.content`, "must be a string or an array of content blocks");
  if (block.is_error != null && typeof block.is_error !== "boolean")
    refuse(`${at}.is_error`, "must be a boolean");
  // Native tool messages have no error flag: the model is told in words.
  const text = block.is_error ? `Error: ${gathered.text}` : gathered.text;
  const native: Message = { role: "tool", content: text, tool_call_id: id };
  const name = names.get(id);
  if (name) native.tool_name = name;
  if (gathered.images.length) native.images = gathered.images;
  return native;
}
