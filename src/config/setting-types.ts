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

// Each builder is one transform over a string (three zod objects), not a chain of checks: the table
// builds some eighty of them at every start, and long chains made that a measurable share of it.

/** Ends a transform with the one-line message the start-up error shows. */
function refuse(ctx: z.core.$RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

export function integer(min: number, max: number) {
  const expected = `expected an integer from ${min} to ${max}`;
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || value < min || value > max) return refuse(ctx, expected);
    return value;
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const expected = `expected one of ${values.join(", ")}`;
  return z.string().transform((raw, ctx): T[number] => {
    const value = raw.trim().toLowerCase();
    return values.includes(value) ? value : refuse(ctx, expected);
  });
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

export function boolean() {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase();
    if (TRUE.has(value)) return true;
    return FALSE.has(value) ? false : refuse(ctx, "expected true or false");
  });
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
  return z.string().transform((v) => v.trim());
}

/** Text that may not be empty once trimmed; `expected` says what was wanted. */
export function nonEmptyText(expected: string) {
  return z.string().transform((raw, ctx) => raw.trim() || refuse(ctx, `expected ${expected}`));
}

/** Trimmed text that `ok` accepts ("" included when `ok` says so). */
export function checkedText(ok: (value: string) => boolean, expected: string) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    return ok(value) ? value : refuse(ctx, expected);
  });
}

export function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}
