// A request naming a preset becomes the request the user would have sent by hand: the preset's base
// model, its options under the client's own, its system prompt when the client sent none, and its
// slash commands in front of the user's text (so the user's own commands run after them).
import { ProxyError } from "../errors.ts";
import type { PresetLookup } from "../models/index.ts";
import type { ModelService } from "../models/types.ts";
import type { Message } from "../wire/ollama.ts";
import type { NativeRequest, TurnInput, TurnKind } from "./turn.ts";

/** The input itself when the request names no preset; else a new input (the given one is never edited). */
export function presetInput(input: TurnInput, models: ModelService): TurnInput {
  const lookup = models.preset?.(typeof input.body.model === "string" ? input.body.model : "") ?? null;
  if (!lookup) return input;
  const problem = models.presetProblem?.(lookup) ?? null;
  if (problem)
    throw new ProxyError(
      404,
      `preset "${lookup.name}" cannot run: ${problem}`,
      "proxy",
      "model",
      "model_not_found",
    );
  // The client's bytes no longer describe the body, so they must not be sent.
  return { ...input, body: Object.freeze(presetBody(input.kind, input.body, lookup)), bodyText: undefined };
}

export function presetBody(
  kind: TurnKind,
  body: Readonly<NativeRequest>,
  { preset }: PresetLookup,
): NativeRequest {
  let out: NativeRequest = { ...body, model: preset.model };
  if (Object.keys(preset.options).length) out.options = { ...preset.options, ...(body.options ?? {}) };
  if (preset.system !== null) out = withSystem(kind, out, preset.system);
  if (preset.agents) out = withCommands(kind, out, preset.agents);
  return out;
}

function withSystem(kind: TurnKind, body: NativeRequest, system: string): NativeRequest {
  if (kind === "generate") return typeof body.system === "string" && body.system ? body : { ...body, system };
  const messages = Array.isArray(body.messages) ? body.messages : [];
  if (messages.some((m) => m?.role === "system")) return body;
  return { ...body, messages: [{ role: "system", content: system }, ...messages] };
}

/**
 * A request with no user text (an empty prompt or no messages) only loads the model in Ollama; it
 * gets no commands, so the preset still loads its model.
 */
function withCommands(kind: TurnKind, body: NativeRequest, commands: string): NativeRequest {
  if (kind === "generate") {
    return typeof body.prompt === "string" && body.prompt !== ""
      ? { ...body, prompt: `${commands} ${body.prompt}` }
      : body;
  }
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.role === "user" && typeof m.content === "string") {
      const out: Message[] = [...messages];
      out[i] = { ...m, content: `${commands} ${m.content}` };
      return { ...body, messages: out };
    }
  }
  return body;
}
