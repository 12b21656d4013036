// Request fields and checks shared by /v1/chat/completions and /v1/completions.
import { z } from "zod";
import { OpenAIRequestError } from "./openai-error.ts";

export const streamShape = {
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
};

type StreamInput = z.output<z.ZodObject<typeof streamShape>>;

/** The client's wish; `include_usage` only means something on a stream, so it is false otherwise. */
export function streamWish(data: StreamInput): { stream: boolean; includeUsage: boolean } {
  const stream = data.stream ?? false;
  return { stream, includeUsage: stream && data.stream_options?.include_usage === true };
}

export function requireModel(model: string): void {
  if (model.trim() === "") throw new OpenAIRequestError("you must provide a model parameter", 400, "model");
}

/** Ollama's own bounds (it answers 400 outside them); checked here so `param` names the right field. */
export function checkTopLogprobs(value: number | null | undefined, param: string): void {
  if (value != null && (value < 0 || value > 20)) {
    throw new OpenAIRequestError(`${param} must be between 0 and 20`, 400, param);
  }
}
