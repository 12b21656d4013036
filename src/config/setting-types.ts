// Small zod builders for settings that arrive as strings (environment variables and CLI flags).
import { z } from "zod";

/** A setting read from one string; `expected` is what the one-line start-up error says was wanted. */
export interface SettingSpec<T = unknown> {
  env: string;
  flag: string;
  default: string;
  help: string;
  schema: z.ZodType<T, string>;
  /** How a refused raw value is echoed in the start-up error, for values that may hold a secret. */
  redact?: (raw: string) => string;
  /**
   * Applied from a config file reload without a restart. Absent = fixed at start-up: a changed value
   * is logged as needing a restart and the running one stays (the safe default for new settings).
   */
  live?: true;
  /**
   * How the config file gives this setting when a plain string, number, true/false or list (joined
   * with commas) is not enough: a schema turning the file's value into the string `schema` reads.
   */
  file?: z.ZodType<string, unknown>;
}

/** Settings whose variable names a secret: their values are never shown, whatever their redact rule. */
export const SECRET_ENV = /KEY|TOKEN|SECRET|PASSWORD/i;

export function integer(min: number, max: number) {
  const expected = `an integer from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, { error: `expected ${expected}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `expected ${expected}` })
        .max(max, { error: `expected ${expected}` }),
    );
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: `expected one of ${values.join(", ")}` }));
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

export function boolean() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => TRUE.has(v) || FALSE.has(v), { error: "expected true or false" })
    .transform((v) => TRUE.has(v));
}

/** Comma-separated list; blanks dropped. */
export function list() {
  return z.string().transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

export function text() {
  return z.string().trim();
}

export function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}
