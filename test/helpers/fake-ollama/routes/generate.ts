// POST /api/generate: echoes the prompt; raw, suffix, images and thinking checked like Ollama.
import { utcTimestamp } from "../clock.ts";
import { type Ctx, decodeBody, str, wantsStream } from "../context.ts";
import { ollamaError } from "../http.ts";
import { countTokens, numPredict, type Piece, planReply, replyTextFor } from "../reply.ts";
import { checkCapabilities, loadOnly, type Renderer, resolveTarget, runInference } from "./inference.ts";

/** Stands in for the token context real Ollama returns (omitted with raw). */
const CONTEXT = [1, 2, 3];

function generateRenderer(model: string, raw: boolean): Renderer {
  const head = () => ({ model, created_at: utcTimestamp() });
  const context = raw ? {} : { context: CONTEXT };
  return {
    chunk: (p: Piece) => ({
      ...head(),
      response: p.content,
      ...(p.thinking ? { thinking: p.thinking } : {}),
      done: false,
    }),
    final: (doneReason, m) => ({
      ...head(),
      response: "",
      done: true,
      done_reason: doneReason,
      ...context,
      ...m,
    }),
    collected: (pieces, doneReason, m) => {
      const thinking = pieces.map((p) => p.thinking ?? "").join("");
      return {
        ...head(),
        response: pieces.map((p) => p.content).join(""),
        ...(thinking ? { thinking } : {}),
        done: true,
        done_reason: doneReason,
        ...context,
        ...m,
      };
    },
  };
}

export async function handleGenerate(ctx: Ctx): Promise<Response> {
  const body = decodeBody(ctx, "generate");
  if (body instanceof Response) return body;
  const raw = body.raw === true;
  const hasContext = Array.isArray(body.context) && body.context.length > 0;
  if (raw && (str(body, "template") || str(body, "system") || hasContext)) {
    return ollamaError(400, "raw mode does not support template, system, or context");
  }
  const t = resolveTarget(body, "generate", ctx.fake.models);
  if (t instanceof Response) return t;
  const prompt = str(body, "prompt");
  const images = Array.isArray(body.images) ? body.images.length : 0;
  if (!prompt && t.keepAliveMs === 0) return loadOnly(ctx, t, { response: "" });
  const needs = { tools: false, images: images > 0, insert: str(body, "suffix") !== "" };
  const caps = checkCapabilities("generate", body, t, needs);
  if (caps instanceof Response) return caps;
  if (!prompt) return loadOnly(ctx, t, { response: "" });

  const plan = planReply({
    text: replyTextFor(ctx.knobs.replyText, body.format, prompt, images),
    thinking: caps.thinking,
    numPredict: numPredict(body.options),
    chunks: ctx.knobs.chunks,
  });
  const promptTokens = countTokens(`${str(body, "system")} ${prompt}`);
  const render = generateRenderer(t.requested, raw);
  return runInference(ctx, t, { stream: wantsStream(body), plan, promptTokens, render });
}
