// POST /v1/completions body → native /api/generate body (without the defaults Ollama forces).

import { z } from "zod";
import type { GenerateRequest } from "../../../wire/ollama.ts";
import { ollamaExtras, ollamaExtrasShape } from "./ollama-extras.ts";
import { OpenAIRequestError } from "./openai-error.ts";
import { checkTopLogprobs, requireModel, streamShape, streamWish } from "./request-common.ts";
import { refuseUnsupportedSampling, samplingOptions, samplingShape } from "./sampling.ts";
import { parseBody } from "./validate.ts";

export interface TranslatedCompletion {
  body: GenerateRequest & Record<string, unknown>;
  stream: boolean;
  includeUsage: boolean;
  requestedModel: string;
}

const completionSchema = z.looseObject({
  model: z.string(),
  prompt: z.unknown().optional(),
  suffix: z.string().nullish(),
  max_tokens: z.number().int().nullish(),
  logprobs: z.union([z.number().int(), z.boolean()], { error: "expected an integer" }).nullish(),
  echo: z.boolean().nullish(),
  best_of: z.number().int().nullish(),
  // Generate-only Ollama knobs; `raw` in particular lets a client skip the chat template entirely.
  system: z.string().nullish(),
  template: z.string().nullish(),
  raw: z.boolean().nullish(),
  ...streamShape,
  ...samplingShape,
  ...ollamaExtrasShape,
});

/** One prompt string; a one-element list is unwrapped. Batches and token arrays are refused. */
function parsePrompt(prompt: unknown): string {
  if (typeof prompt === "string") return prompt;
  if (prompt === undefined || prompt === null) {
    throw new OpenAIRequestError("Missing required parameter: 'prompt'.", 400, "prompt");
  }
  if (Array.isArray(prompt)) {
    if (prompt.length === 1 && typeof prompt[0] === "string") return prompt[0];
    if (prompt.length > 1 && prompt.every((p) => typeof p === "string")) {
      throw new OpenAIRequestError("only one prompt per request is supported", 400, "prompt");
    }
    if (prompt.length > 0) {
      throw new OpenAIRequestError(
        "token-array prompts are not supported; send the prompt as a string",
        400,
        "prompt",
      );
    }
  }
  throw new OpenAIRequestError("invalid value for 'prompt': expected a string", 400, "prompt");
}

export function translateCompletionRequest(input: unknown): TranslatedCompletion {
  const data = parseBody(completionSchema, input);
  requireModel(data.model);
  const prompt = parsePrompt(data.prompt);
  refuseUnsupportedSampling(data);
  if (data.echo) throw new OpenAIRequestError("echo is not supported", 400, "echo");
  if (data.best_of != null && data.best_of !== 1) {
    throw new OpenAIRequestError("best_of other than 1 is not supported", 400, "best_of");
  }
  if (typeof data.logprobs === "number") checkTopLogprobs(data.logprobs, "logprobs");

  const extras = ollamaExtras(data);
  // No default max_tokens of 16 (OpenAI's legacy default): Ollama's num_predict default is kept.
  const options = { ...extras.options, ...samplingOptions(data, data.max_tokens) };
  const body: Record<string, unknown> = { ...extras.fields, model: data.model, prompt, stream: true };
  if (Object.keys(options).length > 0) body.options = options;
  if (data.suffix != null) body.suffix = data.suffix;
  if (data.system != null) body.system = data.system;
  if (data.template != null) body.template = data.template;
  if (data.raw != null) body.raw = data.raw;
  // Legacy `logprobs: N` means "N alternatives per token", i.e. native top_logprobs.
  if (typeof data.logprobs === "number") {
    body.logprobs = true;
    body.top_logprobs = data.logprobs;
  } else if (data.logprobs === true) {
    body.logprobs = true;
  }

  return { body: body as TranslatedCompletion["body"], ...streamWish(data), requestedModel: data.model };
}
