// The chat pipeline as a function of its input: preset → agents' plan → model (aliases, default) →
// request hooks → the body to send; the answer itself comes as events (answer.ts).
import type { AgentPlan, PreparedTurn } from "./agent-stage.ts";
import { answerEvents, replyEvents, takeoverEvents } from "./answer.ts";
import type { PipelineDeps } from "./deps.ts";
import { presetInput } from "./preset.ts";
import type { NativeRequest, TurnInput, TurnResult } from "./turn.ts";

export type { PipelineDeps } from "./deps.ts";

export async function runTurn(given: TurnInput, live: PipelineDeps): Promise<TurnResult> {
  // One configuration for the whole turn: a reload while it runs changes nothing it sees.
  const models = live.models.pin?.() ?? live.models;
  const deps = models === live.models ? live : { ...live, models };
  const input = presetInput(given, models);
  const plan: AgentPlan = deps.agents?.plan(input) ?? { kind: "none", body: input.body };
  if (plan.kind === "reply") {
    const model = deps.models.resolve(input.body.model ?? "");
    return {
      model,
      requested: requested(input),
      agents: [],
      body: null,
      events: replyEvents(input, model, plan.text),
    };
  }
  const agents = plan.kind === "chain" ? plan.names : [];
  // Before any agent hook runs: a key refused an agent must not get its side effects either.
  if (agents.length) input.access?.checkAgents(agents);
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
    return { model, requested: requested(input), agents, body: null, events };
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
  return {
    model,
    requested: requested(input),
    agents,
    body,
    events: answerEvents(input, deps, body, transform, parse),
  };
}

function requested(input: TurnInput): string {
  return typeof input.body.model === "string" ? input.body.model : "";
}

function resolveModel(input: TurnInput, deps: PipelineDeps, requested: unknown): string {
  const model = deps.models.resolve(typeof requested === "string" ? requested : "");
  if (!model) throw input.missingModel;
  input.access?.checkModel(model);
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
