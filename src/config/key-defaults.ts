// KEY_DEFAULTS (file: `key-defaults:`): the policy every API key gets for each field its own policy
// leaves unset (AUTH=keys). A map in the file; inline JSON as a flag or variable.
import { z } from "zod";

/** The same fields and meanings as a key's own policy (src/auth/policy.ts), minus admin. */
export interface KeyDefaults {
  readonly models?: readonly string[];
  readonly agents?: readonly string[];
  readonly manage?: boolean;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly concurrency?: number;
  readonly tokensPerDay?: number;
  readonly tokensPerMonth?: number;
}

/** Field names as `keys create` spells its flags. */
const FIELDS = {
  models: "models",
  agents: "agents",
  manage: "manage",
  rpm: "rpm",
  tpm: "tpm",
  concurrency: "concurrency",
  "budget-tokens-per-day": "tokensPerDay",
  "budget-tokens-per-month": "tokensPerMonth",
} as const satisfies Record<string, keyof KeyDefaults>;

export const KEY_DEFAULT_FIELDS: readonly string[] = Object.keys(FIELDS);

const names = (what: string) =>
  z
    .union([z.string(), z.array(z.string())], {
      error: `expected ${what} (a list or a comma-separated string)`,
    })
    .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean))
    .refine((v) => v.length > 0, { error: `expected at least one of ${what}` });

/** Built on first use: only KEY_DEFAULTS given with AUTH=keys needs it. */
let fields: ReturnType<typeof buildFieldsSchema> | undefined;
const fieldsSchema = () => (fields ??= buildFieldsSchema());
function buildFieldsSchema() {
  const positive = z
    .number({ error: "expected a positive integer" })
    .int()
    .min(1, { error: "expected a positive integer" });
  return z.strictObject({
    models: names("model globs such as llama3*").optional(),
    agents: names("agent names").optional(),
    manage: z.boolean({ error: "expected true or false" }).optional(),
    rpm: positive.optional(),
    tpm: positive.optional(),
    concurrency: positive.optional(),
    "budget-tokens-per-day": positive.optional(),
    "budget-tokens-per-month": positive.optional(),
  });
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The config file's map, carried as the JSON string the setting's schema reads. */
export function keyDefaultsFileForm(): z.ZodType<string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string") return v;
    if (!isMap(v)) {
      ctx.addIssue({ code: "custom", message: `expected a map of ${KEY_DEFAULT_FIELDS.join(", ")}` });
      return z.NEVER;
    }
    return Object.keys(v).length ? JSON.stringify(v) : "";
  });
}

/** `{"rpm": 60, "models": ["llama3*"]}`, or the JSON the file form makes; empty = no defaults. */
export function keyDefaultsSetting() {
  return z.string().transform((raw, ctx): KeyDefaults => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    const text = raw.trim();
    if (!text) return Object.freeze({});
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail('expected a JSON map such as {"rpm": 60, "models": ["llama3*"]}');
    }
    const parsed = fieldsSchema().safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.code === "unrecognized_keys")
        return fail(`unknown field ${issue.keys.join(", ")} (expected ${KEY_DEFAULT_FIELDS.join(", ")})`);
      const at = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      return fail(`${at}${issue?.message ?? "invalid"}`);
    }
    const out: Record<string, unknown> = {};
    for (const [field, key] of Object.entries(FIELDS)) {
      const v = parsed.data[field as keyof typeof parsed.data];
      if (v !== undefined) out[key] = Array.isArray(v) ? Object.freeze(v) : v;
    }
    return Object.freeze(out) as KeyDefaults;
  });
}
