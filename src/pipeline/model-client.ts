// The ModelClient agents use to call the upstream themselves (same upstream, same abort signal).
import type { AgentRequest, AnswerPiece, ModelCall, ModelClient } from "../agents/types.ts";
import { ProxyError } from "../errors.ts";
import { readNdjson } from "../streams/ndjson.ts";
import { type UpstreamClient, upstreamErrorMessage } from "../upstream/client.ts";
import type { ChatChunk, ChatRequest, Message } from "../wire/ollama.ts";

export function createModelClient(
  upstream: UpstreamClient,
  signal: AbortSignal,
  defaults: () => AgentRequest,
): ModelClient {
  async function* stream(call: ModelCall): AsyncGenerator<AnswerPiece> {
    const base = defaults();
    const body: ChatRequest = {
      model: call.model ?? base.model,
      messages: call.messages as Message[],
      stream: true,
      options: call.options ?? base.options,
    };
    if (call.format !== undefined) body.format = call.format as ChatRequest["format"];
    if (call.think !== undefined) body.think = call.think;
    if (base.extra.keep_alive !== undefined)
      body.keep_alive = base.extra.keep_alive as ChatRequest["keep_alive"];
    const res = await upstream.call("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
      route: { model: body.model ?? "", messages: body.messages ?? undefined },
    });
    if (!res.ok)
      throw new ProxyError(res.status, upstreamErrorMessage(await res.text(), res.status), "upstream");
    if (!res.body) return;
    for await (const chunk of readNdjson<ChatChunk>(res.body, { maxLineBytes: upstream.maxLineBytes })) {
      if (typeof chunk.error === "string") throw new ProxyError(502, chunk.error, "upstream");
      const content = chunk.message?.content ?? "";
      const thinking = chunk.message?.thinking;
      if (content || thinking) yield thinking ? { content, thinking } : { content };
    }
  }
  return {
    stream,
    async complete(call) {
      let text = "";
      for await (const piece of stream(call)) text += piece.content;
      return text;
    },
  };
}
