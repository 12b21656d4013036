// The 4xx a /v1 request translation throws; rendered by the OpenAI sub-app's onError.
import { ProxyError } from "../../../errors.ts";

/** A request the proxy refuses before anything reaches Ollama; `param` names the field as OpenAI does. */
export class OpenAIRequestError extends ProxyError {
  constructor(message: string, status = 400, param: string | null = null, code: string | null = null) {
    super(status, message, "proxy", param, code);
  }
}
