// Reads a /v1 JSON body whatever its Content-Type (as Ollama's /v1 does); failures are OpenAI-shaped 400s.
import { parseJson } from "../../http/parse-json.ts";
import { goJsonError } from "../../wire/go-json-errors.ts";
import { decodedBodyText } from "./decompress-body.ts";
import { OpenAIRequestError } from "./translate/index.ts";

export interface ReadOptions {
  /** Accept a compressed body (Codex sends zstd to /v1/responses, and Ollama accepts it there). */
  compressed?: boolean;
}

export async function readOpenAIJson(req: Request, opts: ReadOptions = {}): Promise<unknown> {
  const text = opts.compressed ? await decodedBodyText(req) : await req.text();
  if (text.trim() === "")
    throw new OpenAIRequestError("the request body is empty: a JSON object is expected");
  try {
    return parseJson(text);
  } catch {
    throw new OpenAIRequestError(`the request body is not valid JSON: ${goJsonError(text)}`);
  }
}
