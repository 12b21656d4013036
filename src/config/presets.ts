// The `presets` section of the config file: names clients pick as models, each a base model (or
// alias) with an agent chain, default options and a system prompt.
import { z } from "zod";

export interface Preset {
  /** The base model or alias the preset runs on. */
  readonly model: string;
  /** Slash commands run before the user's own, as if typed first ("" = none). */
  readonly agents: string;
  /** Model options the request starts from; the client's own options win key by key. */
  readonly options: Readonly<Record<string, unknown>>;
  /** System prompt used when the request brings none; null = none. */
  readonly system: string | null;
  /** Shown in model lists and GET /config. */
  readonly description: string | null;
}

export const PRESET_FIELDS = ["model", "agents", "options", "system", "description"] as const;

/** Loose stand-in for a model name, as the settings use (no spaces, commas or equals signs). */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/:@]*$/;

/** Built on first use: only a config file has presets. */
let built: ReturnType<typeof buildPresetsSchema> | undefined;
export const presetsSchema = () => (built ??= buildPresetsSchema());

function buildPresetsSchema() {
  const name = (what: string) => {
    const error = `expected ${what} such as qwen3:8b`;
    return z.string({ error }).regex(NAME, { error });
  };
  const agents = z
    .union([z.string(), z.array(z.string())], { error: "expected slash commands, as a string or a list" })
    .transform((v) => (Array.isArray(v) ? v.join(" ") : v).trim())
    .refine((v) => v === "" || /^\/[A-Za-z]/.test(v), {
      error: 'expected slash commands such as /expert "senior engineer" /concise',
    });
  const preset = z
    .strictObject({
      model: name("a model name or alias"),
      agents: agents.optional(),
      options: z.record(z.string(), z.unknown(), { error: "expected a map of model options" }).optional(),
      system: z.string().optional(),
      description: z.string().optional(),
    })
    .transform(
      (p): Preset =>
        Object.freeze({
          model: p.model,
          agents: p.agents ?? "",
          options: Object.freeze({ ...p.options }),
          system: p.system ?? null,
          description: p.description ?? null,
        }),
    );
  return z
    .record(name("a preset name"), preset, { error: "expected a map of preset name: { model, agents, ... }" })
    .transform((v): Readonly<Record<string, Preset>> => Object.freeze(v));
}
