// The zod schema every agent module's default export must satisfy, with one-line error messages.
import { z } from "zod";
import type { AgentDefinition } from "./types.ts";

export const AGENT_NAME = /^[a-z][a-z0-9_-]*$/;
/** Names the slash-command parser keeps for itself. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["help"]);
export const HOOKS = ["onRequest", "transformResponse", "run"] as const;

/** Built when the first module is checked, after the proxy listens (files load in the background). */
let built: ReturnType<typeof buildDefinitionSchema> | undefined;
const definitionSchema = () => (built ??= buildDefinitionSchema());

function buildDefinitionSchema() {
  const hook = z.custom<(...args: unknown[]) => unknown>((v) => v === undefined || typeof v === "function", {
    error: "expected a function",
  });
  const manifestSchema = z.object({
    name: z.string().regex(AGENT_NAME, {
      error: "expected lower-case letters, digits, - or _, starting with a letter",
    }),
    description: z.string().min(1, { error: "expected a one-sentence description" }),
    version: z.string().optional(),
    args: z.array(z.object({ name: z.string().min(1), description: z.string() })).optional(),
    usage: z.string().optional(),
    examples: z.array(z.string()).optional(),
  });
  return z
    .object({
      manifest: manifestSchema,
      settings: z.record(z.string(), z.unknown()).optional(),
      onRequest: hook.optional(),
      transformResponse: hook.optional(),
      run: hook.optional(),
    })
    .refine((d) => HOOKS.some((h) => typeof d[h] === "function"), {
      error: "expected at least one hook: onRequest, transformResponse or run",
    });
}

export type Validation = { ok: true; definition: AgentDefinition } | { ok: false; error: string };

/**
 * Checks a module's default export. The original object is kept (not zod's copy), so hooks that
 * use `this` or closures over module state behave as their author wrote them.
 */
export function validateDefinition(value: unknown): Validation {
  if (value === undefined) return { ok: false, error: "the module has no default export" };
  const parsed = definitionSchema().safeParse(value);
  if (parsed.success) return { ok: true, definition: value as AgentDefinition };
  const error = parsed.error.issues
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
  return { ok: false, error };
}

/** The name a failed module claims, when it claims one, so /plugins can still show it. */
export function claimedName(value: unknown): string | null {
  const manifest = (value as { manifest?: { name?: unknown } } | null | undefined)?.manifest;
  return typeof manifest?.name === "string" ? manifest.name : null;
}
