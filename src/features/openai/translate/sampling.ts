// OpenAI sampling fields shared by chat and legacy completions, mapped onto native options.
import { z } from "zod";
import { OpenAIRequestError } from "./openai-error.ts";

export const samplingShape = {
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  seed: z.number().int().nullish(),
  frequency_penalty: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  stop: z.unknown().optional(),
  n: z.number().int().nullish(),
  logit_bias: z.record(z.string(), z.unknown()).nullish(),
};

type Sampling = z.output<z.ZodObject<typeof samplingShape>>;

/** `stop` as a string or a list of strings; anything else is refused rather than silently dropped. */
export function parseStop(value: unknown): string[] | undefined {
  if (value == null) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== "string")
        throw new OpenAIRequestError("invalid type for 'stop' field", 400, "stop");
    }
    return value as string[];
  }
  throw new OpenAIRequestError("invalid type for 'stop' field", 400, "stop");
}

/** Refuses what Ollama cannot honour instead of ignoring it, so the client learns why results differ. */
export function refuseUnsupportedSampling(data: Sampling): void {
  if (data.n != null && data.n !== 1) {
    throw new OpenAIRequestError("n other than 1 is not supported", 400, "n");
  }
  if (data.logit_bias != null && Object.keys(data.logit_bias).length > 0) {
    throw new OpenAIRequestError("logit_bias is not supported", 400, "logit_bias");
  }
}

/**
 * Only what the client set: Ollama's compat layer forces temperature and top_p to 1.0 when omitted,
 * overriding the Modelfile's tuned defaults; leaving them out keeps those defaults.
 */
export function samplingOptions(
  data: Sampling,
  maxTokens: number | null | undefined,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (maxTokens != null) options.num_predict = maxTokens;
  if (data.temperature != null) options.temperature = data.temperature;
  if (data.top_p != null) options.top_p = data.top_p;
  if (data.seed != null) options.seed = data.seed;
  if (data.frequency_penalty != null) options.frequency_penalty = data.frequency_penalty;
  if (data.presence_penalty != null) options.presence_penalty = data.presence_penalty;
  const stop = parseStop(data.stop);
  if (stop !== undefined) options.stop = stop;
  return options;
}
