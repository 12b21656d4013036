// The chat pipeline: agents' plan → model resolution and availability → request hooks → the answer
// (upstream or a takeover agent) → response transforms, as a stream of events a renderer consumes.
import type { AnswerPiece, ResponseTransform } from "../agents/types.ts";
import { ProxyError } from "../errors.ts";
import type { ModelService } from "../models/types.ts";
import { readNdjson } from "../streams/ndjson.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import { upstreamErrorMessage } from "../upstream/client.ts";
import { clientHeadersForUpstream } from "../upstream/headers.ts";
import { describeNetworkError, isAbortError } from "../upstream/network-error.ts";
import { type AgentStage, NO_AGENTS } from "./agent-plan.ts";
import { chunkContent, makeChunk, makeDoneChunk, setChunkContent } from "./native-chunks.ts";
import type { ChatTurn, NativeChunk, TurnEvent } from "./turn.ts";
import { type ProgressTiming, waitWithProgress } from "./wait-with-progress.ts";

export interface PipelineDeps {
  upstream: UpstreamClient;
  models: ModelService;
  agents: AgentStage | null;
  /** When to tell a streaming client that the upstream is still silent (model load). */
  loadProgress: ProgressTiming;
}

export async function* runTurn(turn: ChatTurn, deps: PipelineDeps): AsyncGenerator<TurnEvent> {
  const plan = deps.agents?.plan(turn) ?? NO_AGENTS;
  if (plan.kind === "reply") {
    yield* replyEvents(turn, turn.requestedModel, plan.text);
    return;
  }
  if (plan.kind === "chain") turn.info.agents = plan.names;

  let model = deps.models.resolve(turn.requestedModel, turn.dialect);
  if (!model) throw missingModel(turn);
  if (model !== turn.body.model) turn.body.model = model;
  turn.info.model = model;
  const defaulted = deps.models.applyDefaults(turn.body, model, turn.dialect);
  yield* ensureModel(turn, deps, model);

  let transform: ResponseTransform | null = null;
  if (plan.kind === "chain") {
    const prepared = await plan.prepare(turn.kind, turn.body);
    turn.body = prepared.body;
    transform = prepared.transform;
    if (prepared.body.model !== model) {
      // An agent picked another model (e.g. a translation model): it gets the same treatment.
      model = deps.models.resolve(String(prepared.body.model ?? ""), turn.dialect) || model;
      turn.body.model = model;
      turn.info.model = model;
      yield* ensureModel(turn, deps, model);
    }
    if (prepared.takeover) {
      yield* takeoverEvents(turn, String(turn.body.model), prepared.takeover, transform);
      return;
    }
  }

  const parse = transform !== null || turn.needsChunks;
  // Parsed turns always stream from the upstream: transforms work per chunk, and the proxy folds the
  // stream itself when the client asked for one object.
  if (parse) turn.body.stream = true;
  const unchanged =
    !parse &&
    !defaulted &&
    plan.kind === "none" &&
    !plan.edited &&
    turn.originalText !== undefined &&
    model === turn.requestedModel;
  const payload = unchanged ? (turn.originalText as string) : JSON.stringify(turn.body);
  const call = deps.upstream.call(`/api/${turn.kind}`, {
    method: "POST",
    headers: upstreamHeaders(turn.headers),
    body: payload,
    signal: turn.signal,
  });
  const timing = turn.clientStream ? deps.loadProgress : { afterMs: 0, everyMs: 0 };
  const res = yield* waitWithProgress(
    call,
    timing,
    (ms) => `waiting for ${model} to load (${Math.round(ms / 1000)}s)`,
  );

  if (!parse) {
    yield { type: "upstream", response: res };
    return;
  }
  if (!res.ok || !res.body) {
    throw new ProxyError(res.status, upstreamErrorMessage(await res.text(), res.status), "upstream");
  }
  yield* upstreamChunks(turn, res.body, transform, deps.upstream.baseUrl);
}

async function* ensureModel(turn: ChatTurn, deps: PipelineDeps, model: string): AsyncGenerator<TurnEvent> {
  for await (const text of deps.models.ensure(model, turn.signal)) {
    if (turn.clientStream) yield { type: "progress", text };
  }
}

/** The client's own headers go upstream too (auth for cloud models, ids); the body may have changed. */
function upstreamHeaders(client: Headers): Headers {
  const headers = clientHeadersForUpstream(client);
  headers.set("content-type", "application/json");
  return headers;
}

function missingModel(turn: ChatTurn): ProxyError {
  if (turn.dialect === "openai")
    return new ProxyError(400, "you must provide a model parameter", "proxy", "model");
  return turn.kind === "chat"
    ? new ProxyError(400, "model is required")
    : new ProxyError(404, "model '' not found");
}

async function* upstreamChunks(
  turn: ChatTurn,
  body: ReadableStream<Uint8Array>,
  transform: ResponseTransform | null,
  upstreamUrl: string,
): AsyncGenerator<TurnEvent> {
  let sawDone = false;
  try {
    for await (const raw of readNdjson(body)) {
      const chunk = raw as NativeChunk;
      // Ollama's in-band failure after the stream started; Ollama itself reports these as 500s
      // when it folds a stream for "stream": false.
      if (typeof chunk.error === "string") throw new ProxyError(500, chunk.error, "upstream");
      if (transform) {
        setChunkContent(turn.kind, chunk, await transform.chunk(chunkContent(turn.kind, chunk)));
        if (chunk.done === true) {
          const held = transform.flush ? await transform.flush() : "";
          if (held)
            yield {
              type: "chunk",
              chunk: makeChunk(turn.kind, String(chunk.model ?? ""), { content: held }),
            };
        }
      }
      if (chunk.done === true) sawDone = true;
      yield { type: "chunk", chunk };
    }
  } catch (err) {
    if (err instanceof ProxyError || isAbortError(err)) throw err;
    if (err instanceof SyntaxError) {
      throw new ProxyError(502, `upstream Ollama at ${upstreamUrl} sent a line that is not JSON`, "upstream");
    }
    throw new ProxyError(
      502,
      `upstream Ollama at ${upstreamUrl} broke off the response: ${describeNetworkError(err)}`,
      "upstream",
    );
  }
  if (!sawDone) {
    throw new ProxyError(
      502,
      `upstream Ollama at ${upstreamUrl} ended the stream without a final message`,
      "upstream",
    );
  }
}

async function* takeoverEvents(
  turn: ChatTurn,
  model: string,
  pieces: AsyncIterable<string | AnswerPiece>,
  transform: ResponseTransform | null,
): AsyncGenerator<TurnEvent> {
  for await (const item of pieces) {
    const piece = typeof item === "string" ? { content: item } : item;
    const content = transform ? await transform.chunk(piece.content) : piece.content;
    if (!content && !piece.thinking) continue;
    yield { type: "chunk", chunk: makeChunk(turn.kind, model, { content, thinking: piece.thinking }) };
  }
  const held = transform?.flush ? await transform.flush() : "";
  if (held) yield { type: "chunk", chunk: makeChunk(turn.kind, model, { content: held }) };
  yield { type: "chunk", chunk: makeDoneChunk(turn.kind, model) };
}

async function* replyEvents(turn: ChatTurn, model: string, text: string): AsyncGenerator<TurnEvent> {
  yield { type: "chunk", chunk: makeChunk(turn.kind, model, { content: text }) };
  yield { type: "chunk", chunk: makeDoneChunk(turn.kind, model) };
}
