// Small helpers for the /v1 translation tests: SSE splitting and error assertions.
import { expect } from "bun:test";
import { OpenAIRequestError } from "../../../src/features/openai/translate/openai-error.ts";

/** Splits SSE text into its `data:` payloads; `[DONE]` stays a string, JSON is parsed. */
export function sseEvents(text: string): unknown[] {
  if (text === "") return [];
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((event) => {
      expect(event.startsWith("data: ")).toBe(true);
      const data = event.slice("data: ".length);
      return data === "[DONE]" ? data : JSON.parse(data);
    });
}

export interface ExpectedError {
  message: string | RegExp;
  param?: string | null;
  status?: number;
}

/** Runs `fn`, which must throw an OpenAIRequestError matching `expected` (status defaults to 400). */
export function expectRequestError(fn: () => unknown, expected: ExpectedError): OpenAIRequestError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(OpenAIRequestError);
  const err = caught as OpenAIRequestError;
  if (typeof expected.message === "string") expect(err.message).toBe(expected.message);
  else expect(err.message).toMatch(expected.message);
  expect(err.status).toBe(expected.status ?? 400);
  if (expected.param !== undefined) expect(err.param).toBe(expected.param);
  return err;
}
