// The 400 an Anthropic request translation throws, and Anthropic's envelope (kept with the other dialects' in src/errors.ts).
import { ProxyError } from "../../errors.ts";

/** A request the proxy refuses before anything reaches Ollama; the message starts with the field's path. */
export class AnthropicRequestError extends ProxyError {
  constructor(message: string, status = 400) {
    super(status, message, "proxy");
  }
}

export {
  type AnthropicErrorBody,
  anthropicErrorBody,
  anthropicErrorResponse,
  anthropicErrorType,
} from "../../errors.ts";
