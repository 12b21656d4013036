// Runs a loose zod schema over a /v1 body and turns the first issue into an OpenAI-style 400.
import type { z } from "zod";
import { OpenAIRequestError } from "./openai-error.ts";

/** `["messages", 0, "content"]` → `messages[0].content`, the form used in `param` and messages. */
export function formatParam(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describe(issue: z.core.$ZodIssue, param: string): string {
  // Zod reports a missing field as a type mismatch with `undefined`; say what OpenAI says instead.
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
    return `Missing required parameter: '${param}'.`;
  }
  const detail = issue.message.replace(/^Invalid input: /, "");
  return `invalid value for '${param}': ${detail}`;
}

export function requireObject(input: unknown): Record<string, unknown> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new OpenAIRequestError("the request body must be a JSON object");
  }
  return input as Record<string, unknown>;
}

/** Parses `input` or throws an OpenAIRequestError naming the offending field. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(requireObject(input));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new OpenAIRequestError("invalid request body");
  const param = formatParam(issue.path);
  throw new OpenAIRequestError(describe(issue, param), 400, param || null);
}
