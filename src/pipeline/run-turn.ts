// The chat pipeline as a function of its input: agents' plan → model (aliases, default) → request
// hooks → the body to send, then the answer as events: pull/load progress, the upstream's answer
// (untouched, or parsed chunks through the chain's transforms) or a takeover agent's answer.

import { transformPieces } from "../agents/batch.ts";
import { ProxyError } from "../errors.ts";
import type { ModelService } from "../models/types.ts";
import { readNdjsonBatches } from "../streams/ndjson.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import { upstreamErrorMessage } from "../upstream/client.ts";
import { clientHeadersForUpstream } from "../upstream/headers.ts";
import { upstreamBrokeOff, upstreamEndedEarly } from "../upstream/network-error.ts";
import type { InferenceChunk } from "../wire/ollama.ts";
import type { AgentPlan, AgentStage, PreparedTurn } from "./agent-stage.ts";
import { chunkContent, makeChunk, makeDoneChunk, withContent } from "./chunks.ts";
import { type ProgressTiming, waitWithProgress } from "./progress.ts";
import type { NativeRequest, TurnEvent, TurnInput, TurnResult } from "./turn.ts";

export interface PipelineDeps {
  upstream: UpstreamClient;
  models: ModelService;
  agents: AgentStage | null;
  /** When a silent upstream (model load) produces progress events; renderers decide what shows. */
  loadProgress: ProgressTiming;
}

/** A one-shot answer has no stream to show progress in: no timer is armed for it. */
const NO_PROGRESS: ProgressTiming = { afterMs: 0, everyMs: 0 };

export async function runTurn(input: TurnInput, deps: PipelineDeps): Promise<TurnResult> {
  const plan: AgentPlan = deps.agents?.plan(input) ?? { kind: "none", body: input.body };
  if (plan.kind === "reply") {
    const model = deps.models.resolve(input.body.model ?? "");
    return { model, agents: [], body: null, events: replyEvents(input, model, plan.text) };
  }
  const agents = plan.kind === "chain" ? plan.names : [];
  let body = withModel(plan.body, resolveModel(input, deps, plan.body.model));
  let prepared: PreparedTurn | null = null;
  if (plan.kind === "chain") {
    prepared = await plan.prepare(body);
    // An agent may pick another model (a translation model, say): it is resolved like the client's.
    body = withModel(prepared.body, resolveModel(input, deps, prepared.body.model));
  }
  const model = body.model as string;
  if (prepared?.takeover) {
    const events = takeoverEvents(input, deps, model, prepared);
    return { model, agents, body: null, events };
  }
  body = withKeepAlive(input, deps, body, model);
  const transform = prepared?.transform ?? null;
  const parse = transform !== null || input.needsChunks;
  if (parse) {
    // Transforms work per chunk, so a transformed answer always streams from the upstream (the proxy
    // folds it when the client wants one object); an untransformed one-shot answer is asked for as
    // one object, which is far cheaper to translate than a stream of lines.
    const stream = transform !== null || input.clientStream;
    if (body.stream !== stream) body = { ...body, stream };
  }
  return { model, agents, body, events: answerEvents(input, deps, body, transform, parse) };
}

function resolveModel(input: TurnInput, deps: PipelineDeps, requested: unknown): string {
  const model = deps.models.resolve(typeof requested === "string" ? requested : "");
  if (!model) throw input.missingModel;
  return model;
}

function withModel(body: Readonly<NativeRequest>, model: string): Readonly<NativeRequest> {
  return body.model === model ? body : { ...body, model };
}

function withKeepAlive(
  input: TurnInput,
  deps: PipelineDeps,
  body: Readonly<NativeRequest>,
  model: string,
): Readonly<NativeRequest> {
  if (!input.fillKeepAlive || body.keep_alive != null) return body;
  const keepAlive = deps.models.keepAliveFor(model);
  return keepAlive === null ? body : { ...body, keep_alive: keepAlive };
}

async function* ensureModel(input: TurnInput, deps: PipelineDeps, model: string): AsyncGenerator<TurnEvent> {
  for await (const text of deps.models.ensure(model, input.signal)) yield { type: "progress", text };
}

async function* answerEvents(
  input: TurnInput,
  deps: PipelineDeps,
  body: Readonly<NativeRequest>,
  transform: PreparedTurn["transform"],
  parse: boolean,
): AsyncGenerator<TurnEvent> {
  const model = body.model as string;
  yield* ensureModel(input, deps, model);
  const headers = clientHeadersForUpstream(input.headers);
  headers.set("content-type", "application/json");
  const untouched = body === input.body && input.bodyText !== undefined;
  const call = deps.upstream.call(`/api/${input.kind}`, {
    method: "POST",
    headers,
    body: untouched ? input.bodyText : JSON.stringify(body),
    signal: input.signal,
  });
  const res = yield* waitWithProgress(
    call,
    input.clientStream ? deps.loadProgress : NO_PROGRESS,
    (ms) => `waiting for ${model} to load (${Math.round(ms / 1000)}s)`,
  );
  if (!parse) {
    yield { type: "upstream", response: res };
    return;
  }
  if (!res.ok || !res.body) {
    throw new ProxyError(res.status, upstreamErrorMessage(await res.text(), res.status), "upstream");
  }
  if (body.stream === false) {
    yield { type: "chunk", chunk: await oneObject(res, deps.upstream.baseUrl) };
    return;
  }
  yield* upstreamChunks(input, res.body, transform, deps.upstream.baseUrl);
}

async function* upstreamChunks(
  input: TurnInput,
  source: ReadableStream<Uint8Array>,
  transform: PreparedTurn["transform"],
  upstreamUrl: string,
): AsyncGenerator<TurnEvent> {
  const { kind } = input;
  let sawDone = false;
  try {
    for await (const batch of readNdjsonBatches<InferenceChunk>(source)) {
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
      for (let i = 0; i < usable.length; i++) {
        const chunk = usable[i] as InferenceChunk;
        sawDone = chunk.done === true;
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

async function* takeoverEvents(
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

async function* replyEvents(input: TurnInput, model: string, text: string): AsyncGenerator<TurnEvent> {
  yield { type: "chunk", chunk: makeChunk(input.kind, model, { content: text }) };
  yield { type: "chunk", chunk: makeDoneChunk(input.kind, model) };
}
