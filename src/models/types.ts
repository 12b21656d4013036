// What the chat pipeline asks of model management: which model, is it there, what defaults apply.
import type { Dialect } from "../pipeline/turn.ts";

export interface ModelService {
  /** Applies aliases, the default model and name normalisation; "" when the request names none. */
  resolve(requested: string, dialect: Dialect): string;
  /**
   * Makes sure the upstream has `model`, pulling it when configuration allows. Yields progress texts
   * while it waits; throws a ProxyError (404 naming the model and why) when it cannot be had.
   */
  ensure(model: string, signal: AbortSignal): AsyncIterable<string>;
  /**
   * Fills request defaults that some clients cannot send themselves (keep_alive for OpenAI clients).
   * Returns true when it changed the body.
   */
  applyDefaults(body: Record<string, unknown>, model: string, dialect: Dialect): boolean;
}

/** No model management: names pass through and Ollama answers for missing models itself. */
export const plainModels: ModelService = {
  resolve: (requested) => requested,
  async *ensure() {},
  applyDefaults: () => false,
};
