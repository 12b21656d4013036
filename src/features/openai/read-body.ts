// Reads a /v1 JSON body whatever its Content-Type (as Ollama's /v1 does); failures are OpenAI-shaped 400s.
import { parseJson } from "../../http/parse-json.ts";
import { goJsonError } from "../../wire/go-json-errors.ts";
import { OpenAIRequestError } from "./translate/index.ts";

export function readOpenAIJson(text: string): unknown {
  if (text.trim() === "")
    throw new OpenAIRequestError("the request body is empty: a JSON object is expected");
  try {
    return parseJson(text);
  } catch {
    throw new OpenAIRequestError(`the request body is not valid JSON: ${goJsonError(text)}`);
  }
}
