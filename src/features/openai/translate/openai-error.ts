// The 4xx a /v1 request translation throws, and the OpenAI error envelope it renders to.
import { openAIErrorObject, openAIErrorType, ProxyError } from "../../../errors.ts";

export { openAIErrorType };

/**
 * A request the proxy refuses before anything reaches Ollama. It is a ProxyError, so the app's one
 * `onError` renders it; `param` names the offending field the way OpenAI's API does.
 */
export class OpenAIRequestError extends ProxyError {
  constructor(message: string, status = 400, param: string | null = null, code: string | null = null) {
    super(status, message, "proxy", param, code);
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAIErrorBody(
  message: string,
  status: number,
  param: string | null = null,
  code: string | null = null,
): OpenAIErrorBody {
  return openAIErrorObject(message, status, param, code);
}
