// POST /api/chat: echoes the last user message, with thinking, tool calls and images handled like Ollama.
import type { Message, Tool } from "../../../../src/wire/ollama.ts";
import { utcTimestamp } from "../clock.ts";
import { type Ctx, decodeBody, wantsStream } from "../context.ts";
import {
  countTokens,
  numPredict,
  type Piece,
  planReply,
  replyTextFor,
  toolCallFor,
  type WireToolCall,
} from "../reply.ts";
import { checkCapabilities, loadOnly, type Renderer, resolveTarget, runInference } from "./inference.ts";

const EMPTY_MESSAGE = { message: { role: "assistant", content: "" } };

function chatRenderer(model: string): Renderer {
  const head = () => ({ model, created_at: utcTimestamp() });
  return {
    chunk: (p: Piece) => ({
      ...head(),
      message: {
        role: "assistant",
        content: p.content,
        ...(p.thinking ? { thinking: p.thinking } : {}),
        ...(p.toolCalls ? { tool_calls: p.toolCalls } : {}),
      },
      done: false,
    }),
    final: (doneReason, m) => ({ ...head(), ...EMPTY_MESSAGE, done: true, done_reason: doneReason, ...m }),
    collected: (pieces, doneReason, m) => {
      const thinking = pieces.map((p) => p.thinking ?? "").join("");
      const toolCalls: WireToolCall[] = pieces.flatMap((p) => p.toolCalls ?? []);
      return {
        ...head(),
        message: {
          role: "assistant",
          content: pieces.map((p) => p.content).join(""),
          ...(thinking ? { thinking } : {}),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        done: true,
        done_reason: doneReason,
        ...m,
      };
    },
  };
}

export async function handleChat(ctx: Ctx): Promise<Response> {
  const body = decodeBody(ctx, "chat");
  if (body instanceof Response) return body;
  const t = resolveTarget(body, "chat", ctx.fake.models);
  if (t instanceof Response) return t;
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Partial<Message>[];
  if (messages.length === 0 && t.keepAliveMs === 0) return loadOnly(ctx, t, EMPTY_MESSAGE);
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Tool[];
  const needs = { tools: tools.length > 0, images: messages.some((m) => m.images?.length), insert: false };
  const caps = checkCapabilities("chat", body, t, needs);
  if (caps instanceof Response) return caps;
  if (messages.length === 0) return loadOnly(ctx, t, EMPTY_MESSAGE);

  const role = (m: Partial<Message> | undefined) => m?.role?.toLowerCase();
  const lastUser = messages.findLast((m) => role(m) === "user");
  const firstTool = tools[0];
  // Models answer a fresh user turn with a tool call, and a tool result with text.
  const toolCall = firstTool && role(messages.at(-1)) === "user" ? toolCallFor(firstTool) : undefined;
  const text = replyTextFor(
    ctx.knobs.replyText,
    body.format,
    lastUser?.content ?? "",
    lastUser?.images?.length ?? 0,
  );
  const plan = planReply({
    text,
    thinking: caps.thinking,
    toolCall,
    numPredict: numPredict(body.options),
    chunks: ctx.knobs.chunks,
  });
  const promptTokens = countTokens(messages.map((m) => m.content ?? "").join(" "));
  return runInference(ctx, t, {
    stream: wantsStream(body),
    plan,
    promptTokens,
    render: chatRenderer(t.requested),
  });
}
