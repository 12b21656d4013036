// What the chat pipeline asks of model management: which model, is it there, what keep-alive applies.
import type { KeepAlive } from "../wire/ollama.ts";

export interface ModelService {
  /**
   * Applies aliases, the default model and name normalisation; "" when the request names none.
   * Throws Ollama's 400 `invalid model name` for a name Ollama could not parse.
   */
  resolve(requested: string): string;
  /**
   * Makes sure the upstream has `model`, pulling it when configuration allows. Yields progress texts
   * while it waits; throws a ModelUnavailableError when it cannot be had.
   */
  ensure(model: string, signal: AbortSignal): AsyncIterable<string>;
  /** The configured keep_alive for a (resolved) model, or null for Ollama's default. */
  keepAliveFor(model: string): KeepAlive | null;
}

/** The settings model management reads (the proxy's Config has them all). */
export interface ModelSettings {
  readonly modelAliases: Readonly<Record<string, string>>;
  readonly defaultModel: string;
  readonly autoPull: boolean;
  readonly pullAllow: readonly string[];
  readonly pullDeny: readonly string[];
  readonly keepAlive: KeepAlive | null;
  readonly modelKeepAlive: Readonly<Record<string, KeepAlive>>;
  readonly warmModels: readonly string[];
  readonly warmOnPull: boolean;
  readonly modelsCacheMs: number;
  readonly pullRetryAfterMs: number;
  readonly pullGraceMs: number;
  readonly progressAfterMs: number;
  readonly progressEveryMs: number;
}
