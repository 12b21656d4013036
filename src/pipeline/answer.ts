// The answer half of a turn, as events: pull/load progress, then the upstream's answer (untouched, one
// object, or parsed chunks through the chain's transforms) or an answer the proxy writes itself.
import { transformPieces } from "../agents/batch.ts";
import { ProxyError } from "../errors.ts";
import type { CallHandle, UpstreamCall } from "../observe/probe.ts";
import { usageFromChunk } from "../observe/usage.ts";
import { jsonBody } from "../streams/json-body.ts";
import { readNdjsonBatches } from "../streams/ndjson.ts";
import { upstreamErrorMessage } from "../upstream/client.ts";
import { clientHeadersForUpstream } from "../upstream/headers.ts";
import { upstreamBrokeOff, upstreamEndedEarly } from "../upstream/network-error.ts";
import type { InferenceChunk } from "../wire/ollama.ts";
import type { PreparedTurn } from "./agent-stage.ts";
import { chunkContent, chunkThinking, makeChunk, makeDoneChunk, withContent } from "./chunks.ts";
import type { PipelineDeps } from "./deps.ts";
import { waitWithProgress } from "./progress.ts";
import type { NativeRequest, TurnEvent, TurnInput } from "./turn.ts";

async function* ensureModel(input: TurnInput, deps: PipelineDeps, model: string): AsyncGenerator<TurnEvent> {
  for await (const text of deps.models.ensure(model, input.signal)) yield { type: "progress", text };
}

export async function* answerEvents(
  input: TurnInput,
  deps: PipelineDeps,
  body: Readonly<NativeRequest>,
  transform: PreparedTurn["transform"],
  parse: boolean,
): AsyncGenerator<TurnEvent> {
  const model = body.model as string;
  // Most requests name a model the upstream is known to have: no generator to wait through.
  if (!deps.models.ready?.(model)) yield* ensureModel(input, deps, model);
  const headers = clientHeadersForUpstream(input.headers);
  headers.set("content-type", "application/json");
  const untouched = body === input.body && input.bodyText !== undefined;
  // A rewritten body with a large image streams its image from where it is instead of copying it.
  const payload = untouched ? (input.bodyText as string) : jsonBody(body);
  if (typeof payload !== "string") headers.set("content-length", String(payload.length));
  const span = input.probe?.call(upstreamCall(input, body));
  span?.inject(headers);
  // The fleet (src/fleet) picks the server; errors below name the one that answered.
  let upstreamUrl = deps.upstream.baseUrl;
  let queued = 0;
  try {
    const call = deps.upstream.call(`/api/${input.kind}`, {
      method: "POST",
      headers,
      body: typeof payload === "string" ? payload : payload.stream,
      signal: input.signal,
      route: {
        model,
        messages: Array.isArray(body.messages) ? body.messages : undefined,
        party: input.access?.name,
        onUpstream: (name, url) => {
          upstreamUrl = url;
          queued = 0;
          input.onUpstream?.(name);
        },
        onQueued: (position) => {
          queued = position;
        },
      },
    });
    // A one-shot answer has no stream to show progress in: it is simply awaited.
    const res = input.clientStream
      ? yield* waitWithProgress(call, deps.loadProgress, (ms) =>
          queued
            ? `waiting for a free server for ${model}: number ${queued} in the queue (${Math.round(ms / 1000)}s)`
            : `waiting for ${model} to load (${Math.round(ms / 1000)}s)`,
        )
      : await call;
    if (!parse) {
      // Ollama's stream answers with its first token (the status line goes out with it).
      if (res.ok && body.stream !== false) input.probe?.firstToken();
      // The bytes go out unread: the request-context middleware finds the counts in their last line.
      // Only content capture reads them on the way (for the span's completion text).
      const response = input.probe?.capturesContent
        ? input.probe.watchAnswer(res, (chunk) => chunkContent(input.kind, chunk))
        : res;
      yield { type: "upstream", response };
      return;
    }
    if (!res.ok || !res.body) {
      throw new ProxyError(res.status, upstreamErrorMessage(await res.text(), res.status), "upstream");
    }
    if (body.stream === false) {
      const chunk = await oneObject(res, upstreamUrl);
      reportDone(
        input,
        span,
        chunk,
        input.probe?.capturesContent ? chunkContent(input.kind, chunk) : undefined,
      );
      yield { type: "chunk", chunk };
      return;
    }
    yield* upstreamChunks(input, res.body, transform, upstreamUrl, deps.upstream.maxLineBytes, span);
  } catch (err) {
    span?.end({ error: err });
    throw err;
  }
}

/** The upstream call as the request's probe records it (a span with the GenAI request attributes). */
function upstreamCall(input: TurnInput, body: Readonly<NativeRequest>): UpstreamCall {
  const call: UpstreamCall = {
    operation: input.kind === "chat" ? "chat" : "text_completion",
    path: `/api/${input.kind}`,
    model: body.model as string,
    stream: body.stream !== false,
  };
  if (body.options) call.params = body.options;
  if (input.probe?.capturesContent) call.input = input.kind === "chat" ? body.messages : body.prompt;
  return call;
}

/** The turn's final chunk: its counts go to the probe and end the upstream call's span. */
function reportDone(
  input: TurnInput,
  span: CallHandle | undefined,
  chunk: InferenceChunk,
  output?: string,
): void {
  if (!input.probe) return;
  const usage = usageFromChunk(chunk);
  input.probe.usage(usage);
  span?.end(output === undefined ? { usage } : { usage, output });
}

async function* upstreamChunks(
  input: TurnInput,
  source: ReadableStream<Uint8Array>,
  transform: PreparedTurn["transform"],
  upstreamUrl: string,
  maxLineBytes: number | undefined,
  span: CallHandle | undefined,
): AsyncGenerator<TurnEvent> {
  const { kind, probe } = input;
  let sawDone = false;
  let sawText = false;
  // Only kept when content capture is on (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT).
  let output: string | undefined = probe?.capturesContent ? "" : undefined;
  try {
    for await (const batch of readNdjsonBatches<InferenceChunk>(source, { maxLineBytes })) {
      // Ollama's in-band failure after the stream started; Ollama itself reports these as 500s
      // when it folds a stream for "stream": false. The pieces before it still go out.
      const failed = batch.findIndex((c) => typeof c.error === "string");
      const usable = failed === -1 ? batch : batch.slice(0, failed);
      // Pieces that arrived together pass the chain in one call per agent (one message to each
      // agent's worker); each piece still gets its own line.
      const texts =
        transform && usable.length
          ? await transformPieces(
              transform,
              usable.map((c) => chunkContent(kind, c)),
            )
          : null;
      if (probe && !sawText && usable.some((c) => chunkContent(kind, c) || chunkThinking(kind, c))) {
        sawText = true;
        probe.firstToken();
      }
      if (output !== undefined) for (const c of usable) output += chunkContent(kind, c);
      for (let i = 0; i < usable.length; i++) {
        const chunk = usable[i] as InferenceChunk;
        sawDone = chunk.done === true;
        if (sawDone) reportDone(input, span, chunk, output);
        if (!transform || !texts) {
          yield { type: "chunk", chunk };
          continue;
        }
        const text = texts[i] ?? "";
        if (!sawDone) {
          yield { type: "chunk", chunk: withContent(kind, chunk, text) };
          continue;
        }
        // The end: what the chain still holds goes out after this chunk's own text, on its own line
        // before the final one, stamped with the final chunk's time so no line goes back in time.
        const held = transform.flush ? await transform.flush() : "";
        const tail = text + held;
        if (tail)
          yield {
            type: "chunk",
            chunk: makeChunk(kind, chunk.model ?? "", { content: tail }, chunk.created_at),
          };
        yield { type: "chunk", chunk: withContent(kind, chunk, "") };
      }
      if (failed !== -1) throw new ProxyError(500, String(batch[failed]?.error), "upstream");
    }
  } catch (err) {
    throw upstreamBrokeOff(upstreamUrl, err);
  }
  if (!sawDone) throw upstreamEndedEarly(upstreamUrl);
}

/** Ollama's answer to `"stream": false`: the whole turn as one object, already folded. */
async function oneObject(res: Response, upstreamUrl: string): Promise<InferenceChunk> {
  try {
    return (await res.json()) as InferenceChunk;
  } catch (err) {
    throw upstreamBrokeOff(upstreamUrl, err);
  }
}

export async function* takeoverEvents(
  input: TurnInput,
  deps: PipelineDeps,
  model: string,
  prepared: PreparedTurn,
): AsyncGenerator<TurnEvent> {
  yield* ensureModel(input, deps, model);
  const { transform } = prepared;
  for await (const piece of prepared.takeover ?? []) {
    const content = transform ? await transform.chunk(piece.content) : piece.content;
    if (!content && !piece.thinking) continue;
    yield { type: "chunk", chunk: makeChunk(input.kind, model, { content, thinking: piece.thinking }) };
  }
  const held = transform?.flush ? await transform.flush() : "";
  if (held) yield { type: "chunk", chunk: makeChunk(input.kind, model, { content: held }) };
  yield { type: "chunk", chunk: makeDoneChunk(input.kind, model) };
}

export async function* replyEvents(input: TurnInput, model: string, text: string): AsyncGenerator<TurnEvent> {
  yield { type: "chunk", chunk: makeChunk(input.kind, model, { content: text }) };
  yield { type: "chunk", chunk: makeDoneChunk(input.kind, model) };
}
