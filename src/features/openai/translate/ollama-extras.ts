// Ollama-only knobs an OpenAI client can send as extra body fields (keep_alive, num_ctx, options, think…).
import { z } from "zod";
import { OpenAIRequestError } from "./openai-error.ts";

type Think = boolean | "low" | "medium" | "high" | "max";
const THINK_LEVELS: ReadonlySet<unknown> = new Set(["low", "medium", "high", "max"]);

/** Same values and message as Ollama's own `think` check, so the error reads the same either way. */
export function parseThink(value: unknown, param = "think"): Think {
  if (typeof value === "boolean" || THINK_LEVELS.has(value)) return value as Think;
  const shown = typeof value === "string" ? `"${value}"` : JSON.stringify(value);
  throw new OpenAIRequestError(
    `invalid think value: ${shown} (must be "high", "medium", "low", "max", true, or false)`,
    400,
    param,
  );
}

export const ollamaExtrasShape = {
  keep_alive: z
    .union([z.number(), z.string()], { error: 'expected a number of seconds or a duration such as "5m"' })
    .nullish(),
  options: z.record(z.string(), z.unknown()).nullish(),
  num_ctx: z.number().int().positive().nullish(),
  think: z.unknown().optional(),
  format: z
    .union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected "json" or a JSON schema' })
    .nullish(),
  truncate: z.boolean().nullish(),
  shift: z.boolean().nullish(),
  _debug_render_only: z.boolean().nullish(),
};

type Extras = z.output<z.ZodObject<typeof ollamaExtrasShape>>;

export interface NativeExtras {
  /** Top-level native fields, to be overridden by anything the OpenAI fields map to. */
  fields: Record<string, unknown>;
  /** Native options, to be overridden by the OpenAI sampling fields. */
  options: Record<string, unknown>;
}

/**
 * Ollama's compat layer drops these, which is why OpenAI-SDK users cannot set keep_alive or num_ctx
 * (ollama/ollama#5013, #5356). A top-level `num_ctx` beats `options.num_ctx`: it is the more specific ask.
 */
export function ollamaExtras(data: Extras): NativeExtras {
  const fields: Record<string, unknown> = {};
  if (data.keep_alive != null) fields.keep_alive = data.keep_alive;
  if (data.think != null) fields.think = parseThink(data.think);
  if (data.format != null) fields.format = data.format;
  if (data.truncate != null) fields.truncate = data.truncate;
  if (data.shift != null) fields.shift = data.shift;
  if (data._debug_render_only != null) fields._debug_render_only = data._debug_render_only;
  const options: Record<string, unknown> = { ...(data.options ?? {}) };
  if (data.num_ctx != null) options.num_ctx = data.num_ctx;
  return { fields, options };
}
