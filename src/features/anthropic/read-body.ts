// Reads an Anthropic JSON body whatever its Content-Type; failures are Anthropic-shaped 400s.

import { parseJson } from "../../http/parse-json.ts";
import { goJsonError } from "../../wire/go-json-errors.ts";
import { AnthropicRequestError } from "./errors.ts";

export function readAnthropicJson(text: string): unknown {
  if (text.trim() === "")
    throw new AnthropicRequestError("the request body is empty: a JSON object is expected");
  try {
    return parseJson(text);
  } catch {
    throw new AnthropicRequestError(`the request body is not valid JSON: ${goJsonError(text)}`);
  }
}
