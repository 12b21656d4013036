// Converts native request bodies to the dialect-neutral AgentRequest agents edit, and back (new objects).
import type { AgentMessage, AgentRequest } from "../agents/types.ts";
import type { Message } from "../wire/ollama.ts";
import type { NativeRequest, TurnKind } from "./turn.ts";

const CHAT_OWN = new Set(["model", "messages", "options", "format", "think", "stream"]);
const GENERATE_OWN = new Set(["model", "prompt", "system", "images", "options", "format", "think", "stream"]);

export function toAgentRequest(kind: TurnKind, body: Readonly<NativeRequest>): AgentRequest {
  const own = kind === "chat" ? CHAT_OWN : GENERATE_OWN;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!own.has(k)) extra[k] = v;
  const request: AgentRequest = {
    kind,
    model: String(body.model ?? ""),
    messages: kind === "chat" ? chatMessages(body) : generateMessages(body),
    options: { ...(body.options ?? {}) },
    extra,
  };
  if (body.format != null) request.format = body.format;
  if (body.think != null) request.think = body.think;
  return request;
}

export function fromAgentRequest(request: AgentRequest, original: Readonly<NativeRequest>): NativeRequest {
  const body: NativeRequest = { ...request.extra, model: request.model };
  if (request.kind === "chat") body.messages = request.messages as Message[];
  else {
    const system = request.messages.filter((m) => m.role === "system").map((m) => m.content);
    const others = request.messages.filter((m) => m.role !== "system");
    body.prompt = others.map((m) => m.content).join("\n\n");
    if (system.length) body.system = system.join("\n\n");
    const images = others.flatMap((m) => m.images ?? []);
    if (images.length) body.images = images;
  }
  if (Object.keys(request.options).length || original.options != null) body.options = request.options;
  if (request.format !== undefined) body.format = request.format as NativeRequest["format"];
  if (request.think !== undefined) body.think = request.think;
  if (original.stream !== undefined) body.stream = original.stream;
  return body;
}

function chatMessages(body: Readonly<NativeRequest>): AgentMessage[] {
  const list = Array.isArray(body.messages) ? body.messages : [];
  return list
    .filter((m): m is Message => !!m && typeof m === "object")
    .map((m) => ({
      ...m,
      role: String(m.role ?? "user"),
      content: typeof m.content === "string" ? m.content : "",
    }));
}

function generateMessages(body: Readonly<NativeRequest>): AgentMessage[] {
  const messages: AgentMessage[] = [];
  if (typeof body.system === "string" && body.system) messages.push({ role: "system", content: body.system });
  const user: AgentMessage = { role: "user", content: typeof body.prompt === "string" ? body.prompt : "" };
  if (Array.isArray(body.images) && body.images.length) user.images = [...body.images];
  messages.push(user);
  return messages;
}
