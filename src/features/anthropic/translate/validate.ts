// Field paths in Anthropic's form (`messages.0.content.1.type`), zod issues and hand checks as 400s.
import type { z } from "zod";
import { AnthropicRequestError } from "../errors.ts";

export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join(".");
}

/** Throws the 400 naming the field: `<path>: <problem>`. */
export function refuse(path: string, problem: string): never {
  throw new AnthropicRequestError(path ? `${path}: ${problem}` : problem);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(issue: z.core.$ZodIssue): string {
  // Zod reports a missing field as a type mismatch with `undefined`; Anthropic says "Field required".
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "Field required";
  return issue.message.replace(/^Invalid input: /, "");
}

/** Parses `input` (which must be a JSON object) or throws a 400 naming the first offending field. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (!isRecord(input)) refuse("", "the request body must be a JSON object");
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) refuse("", "invalid request body");
  return refuse(fieldPath(issue.path), describe(issue));
}
