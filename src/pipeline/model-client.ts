// The ModelClient agents use to call the upstream themselves (same upstream, same abort signal).
import type { AgentRequest, AnswerPiece, ModelCall, ModelClient } from "../agents/types.ts";
import { ProxyError } from "../errors.ts";
import type { TurnProbe } from "../observe/probe.ts";
import { usageFromChunk } from "../observe/usage.ts";
import { readNdjson } from "../streams/ndjson.ts";
import { type UpstreamClient, upstreamErrorMessage } from "../upstream/client.ts";
import type { ChatChunk, ChatRequest, Message } from "../wire/ollama.ts";

/** Whose calls these are, for the request's probe (metrics and a span per call). */
export interface ModelClientTrace {
  probe?: TurnProbe;
  agent: string;
}

export function createModelClient(
  upstream: UpstreamClient,
  signal: AbortSignal,
  defaults: () => AgentRequest,
  trace?: ModelClientTrace,
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
    const probe = trace?.probe;
    const span = probe?.call({
      operation: "chat",
      path: "/api/chat",
      model: body.model ?? "",
      stream: true,
      params: body.options ?? undefined,
      agent: trace?.agent,
      input: probe.capturesContent ? body.messages : undefined,
    });
    const headers = new Headers({ "content-type": "application/json" });
    span?.inject(headers);
    try {
      const res = await upstream.call("/api/chat", {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal,
        route: { model: body.model ?? "", messages: body.messages ?? undefined },
      });
      if (!res.ok)
        throw new ProxyError(res.status, upstreamErrorMessage(await res.text(), res.status), "upstream");
      if (!res.body) return;
      for await (const chunk of readNdjson<ChatChunk>(res.body, { maxLineBytes: upstream.maxLineBytes })) {
        if (typeof chunk.error === "string") throw new ProxyError(502, chunk.error, "upstream");
        if (chunk.done === true) span?.end({ usage: usageFromChunk(chunk) });
        const content = chunk.message?.content ?? "";
        const thinking = chunk.message?.thinking;
        if (content || thinking) yield thinking ? { content, thinking } : { content };
      }
    } catch (err) {
      span?.end({ error: err });
      throw err;
    } finally {
      span?.end();
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
