// What the chat pipeline asks of model management: which model, is it there, what keep-alive applies.
import type { Preset } from "../config/presets.ts";
import type { KeepAlive } from "../wire/ollama.ts";
import type { PresetLookup } from "./presets.ts";

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
  /**
   * True when `ensure` would have nothing to do (the model is known to be there, or is never pulled):
   * the hot path skips the wait altogether. Absent or false: ask `ensure`.
   */
  ready?(model: string): boolean;
  /** The configured keep_alive for a (resolved) model, or null for Ollama's default. */
  keepAliveFor(model: string): KeepAlive | null;
  /** The preset a request names (or the default model names), if any; `resolve` gives its base model. */
  preset?(requested: string): PresetLookup | null;
  /**
   * Why a preset's agents cannot run now (one is not loaded, an argument is missing), or null. Its
   * model is not judged here: the request's own pull or upstream answer says that best.
   */
  presetProblem?(lookup: PresetLookup): string | null;
  /**
   * The service for the configuration in force now, fixed: a request takes it once, so a reload while
   * it runs changes nothing it sees. Absent when configuration never changes.
   */
  pin?(): ModelService;
}

/** The settings model management reads (the proxy's Config has them all). */
export interface ModelSettings {
  readonly modelAliases: Readonly<Record<string, string>>;
  readonly presets: Readonly<Record<string, Preset>>;
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
