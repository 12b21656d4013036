// OpenAI reasoning effort → native `think`, following Ollama's own table (openai/openai.go in ollama/ollama).
import { z } from "zod";
import { OpenAIRequestError } from "./openai-error.ts";

export const reasoningShape = {
  reasoning_effort: z.string().nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
};

type ReasoningInput = z.output<z.ZodObject<typeof reasoningShape>>;
export type NativeThink = boolean | "low" | "medium" | "high" | "max";

const EFFORT_TO_THINK: Readonly<Record<string, NativeThink>> = {
  none: false,
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  max: "max",
  xhigh: "max",
  ultra: "max",
};

/** `reasoning.effort` wins over `reasoning_effort` when both are sent, as in Ollama. */
export function thinkFromReasoning(input: ReasoningInput): NativeThink | undefined {
  const nested = input.reasoning?.effort;
  const effort = nested ?? input.reasoning_effort;
  if (effort == null) return undefined;
  const think = EFFORT_TO_THINK[effort];
  if (think === undefined) {
    throw new OpenAIRequestError(
      `invalid reasoning value: '${effort}' (must be "none", "minimal", "low", "medium", "high", "xhigh" or "max")`,
      400,
      nested != null ? "reasoning.effort" : "reasoning_effort",
    );
  }
  return think;
}
