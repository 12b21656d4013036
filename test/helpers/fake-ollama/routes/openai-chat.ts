// POST /v1/chat/completions, minimal: enough for tests that hit Ollama's own OpenAI layer.
import type { Tool } from "../../../../src/wire/ollama.ts";
import type { Ctx } from "../context.ts";
import { decodeGoJson } from "../go-json.ts";
import { emptyResponse, goJson, jsonOk, openaiError, SSE } from "../http.ts";
import { findModel } from "../names.ts";
import { countTokens, type Piece, planReply, replyTextFor, toolCallFor } from "../reply.ts";
import { loadModel } from "../state.ts";
import { streamDuration, streamResponse } from "../stream.ts";

type OpenAIMessage = { role?: string; content?: unknown };

/** String content, or the text parts of an array content. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p: { type?: string; text?: string }) => (p.type === "text" ? (p.text ?? "") : ""))
    .join("");
}

function delta(p: Piece) {
  return {
    content: p.content,
    ...(p.thinking ? { reasoning: p.thinking } : {}),
    ...(p.toolCalls
      ? {
          tool_calls: p.toolCalls.map((c) => ({
            id: c.id,
            index: c.function.index,
            type: "function",
            function: { name: c.function.name, arguments: JSON.stringify(c.function.arguments) },
          })),
        }
      : {}),
  };
}

export async function handleV1Chat(ctx: Ctx): Promise<Response> {
  const decoded = decodeGoJson(ctx.bodyText);
  if (!decoded.ok) return openaiError(400, decoded.error);
  const body = (decoded.value ?? {}) as Record<string, unknown>;
  const messages = (Array.isArray(body.messages) ? body.messages : []) as OpenAIMessage[];
  if (messages.length === 0) return openaiError(400, "[] is too short - 'messages'");
  const requested = typeof body.model === "string" ? body.model : "";
  const m = findModel(ctx.fake.models, requested);
  if (!m) return openaiError(404, `model '${requested}' not found`);
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Tool[];
  const firstTool = tools[0];
  const lastUser = messages.findLast((msg) => msg.role === "user");
  const format = (body.response_format as { type?: string } | undefined)?.type;
  const plan = planReply({
    text: replyTextFor(ctx.knobs.replyText, format && format !== "text", textOf(lastUser?.content), 0),
    thinking: m.capabilities.includes("thinking") && body.reasoning_effort !== "none",
    toolCall: firstTool && messages.at(-1)?.role === "user" ? toolCallFor(firstTool) : undefined,
    numPredict: typeof body.max_tokens === "number" ? body.max_tokens : undefined,
    chunks: ctx.knobs.chunks,
  });
  const { knobs } = ctx;
  if (!(await ctx.life.sleep(knobs.firstByteDelayMs))) return emptyResponse(499);
  loadModel(ctx.fake, m.name, undefined);

  const hasTools = plan.pieces.some((p) => p.toolCalls);
  const finishReason = hasTools ? "tool_calls" : plan.doneReason;
  const promptTokens = countTokens(messages.map((msg) => textOf(msg.content)).join(" "));
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: plan.pieces.length,
    total_tokens: promptTokens + plan.pieces.length,
  };
  const id = `chatcmpl-${Math.floor(Math.random() * 999)}`;
  const head = (object: string) => ({
    id,
    object,
    created: Math.floor(Date.now() / 1000),
    model: requested,
    system_fingerprint: "fp_ollama",
  });
  if (body.stream !== true) {
    if (!(await streamDuration(ctx, plan.pieces.length + 1, knobs.chunkDelayMs))) return emptyResponse(499);
    const merged = delta({
      content: plan.pieces.map((p) => p.content).join(""),
      thinking: plan.pieces.map((p) => p.thinking ?? "").join(""),
      toolCalls: plan.pieces.flatMap((p) => p.toolCalls ?? []),
    });
    if (!hasTools) delete merged.tool_calls;
    const message = { role: "assistant", ...merged };
    return jsonOk({
      ...head("chat.completion"),
      choices: [{ index: 0, message, finish_reason: finishReason }],
      usage,
    });
  }
  const chunk = (choices: unknown[], extra: object = {}) =>
    `data: ${goJson({ ...head("chat.completion.chunk"), choices, ...extra })}\n\n`;
  const frames = plan.pieces.map((p, i) =>
    chunk([
      { index: 0, delta: { ...(i === 0 ? { role: "assistant" } : {}), ...delta(p) }, finish_reason: null },
    ]),
  );
  frames.push(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  if (includeUsage) frames.push(chunk([], { usage }));
  frames.push("data: [DONE]\n\n");
  return streamResponse(
    ctx,
    {
      frames,
      delayMs: knobs.chunkDelayMs,
      failAfter: knobs.failAfterChunks,
      // Ollama decodes an in-band error as an empty chunk, then closes without a finish or [DONE].
      failFrame: chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
      dropAfter: knobs.dropAfterChunks,
      endAfter: knobs.endAfterChunks,
    },
    SSE,
  );
}
