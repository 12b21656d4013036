// The ModelService the chat pipeline calls: aliases and default model, keep-alive defaults, and
// availability (pull on demand, single-flight, with progress texts).
import { ModelUnavailableError } from "../errors.ts";
import type { Catalog } from "./catalog.ts";
import { isCloudModel, modelKey, pullRefusal } from "./names.ts";
import { type AgentsCheck, presetFinder } from "./presets.ts";
import type { PullManager } from "./pull-manager.ts";
import { type PullWaitTiming, waitForPull } from "./pull-wait.ts";
import type { ModelService, ModelSettings } from "./types.ts";
import { invalidModelName, isValidModelName, MAX_NAME_LENGTH } from "./valid-name.ts";

export interface ModelServiceDeps {
  config: ModelSettings;
  catalog: Catalog;
  pulls: PullManager;
  timing: PullWaitTiming;
  /** Checks a preset's slash commands against the agents loaded now. */
  agentsCheck?: AgentsCheck;
}

/** Registry answers that mean "no such model" rather than "try again later". */
const NOT_FOUND = /file does not exist|not found|invalid model name/i;

function notAvailable(model: string, reason: string, status = 404): ModelUnavailableError {
  return new ModelUnavailableError(model, reason, status);
}

export function createModelService(deps: ModelServiceDeps): ModelService {
  const { config, catalog, pulls } = deps;
  const aliases = new Map(Object.entries(config.modelAliases).map(([a, t]) => [modelKey(a), t]));
  /** Exact spelling first, then Ollama's equivalence (`gpt-4o-mini` ≡ `gpt-4o-mini:latest`). */
  const target = (name: string): string | undefined =>
    Object.hasOwn(config.modelAliases, name) ? config.modelAliases[name] : aliases.get(modelKey(name));
  const findPreset = presetFinder(config.presets);
  const resolve = (requested: string): string => {
    const name = requested === "" ? config.defaultModel : requested;
    if (!name) return "";
    // A preset stands for its base model (which may be an alias); its agents are the pipeline's job.
    const preset = findPreset(name);
    return resolveName(preset ? preset.preset.model : name);
  };
  const resolveName = (name: string): string => {
    // An alias may be any word, but what goes upstream must be a name Ollama can parse; a name too
    // long to be either is refused before it is even lower-cased for the lookup.
    if (name.length > MAX_NAME_LENGTH && !Object.hasOwn(config.modelAliases, name)) throw invalidModelName();
    const model = target(name) ?? name;
    if (!isValidModelName(model)) throw invalidModelName();
    return model;
  };
  // Per-model keep-alives may be keyed by an alias too; they apply to what the alias resolves to.
  const keepAlives = new Map(
    Object.entries(config.modelKeepAlive).map(([m, v]) => [modelKey(target(m) ?? m), v] as const),
  );
  const keepAliveFor = (model: string) => keepAlives.get(modelKey(model)) ?? config.keepAlive;

  const ready = (model: string): boolean =>
    !config.autoPull || !model || isCloudModel(model) || catalog.knownPresent(model);

  async function* ensure(model: string, signal: AbortSignal): AsyncGenerator<string> {
    if (ready(model)) return;
    // A miss is re-checked upstream; an upstream that does not answer is left for the request to report.
    if (!(await catalog.refresh()) || catalog.has(model)) return;
    if (signal.aborted) throw new DOMException("The client went away", "AbortError");
    const refusal = pullRefusal(model, { allow: config.pullAllow, deny: config.pullDeny });
    if (refusal) throw notAvailable(model, refusal);
    const failure = pulls.isPulling(model) ? null : pulls.recentFailure(model);
    if (failure) {
      const ago = Math.round((Date.now() - failure.at) / 1000);
      const left = Math.ceil((failure.retryAt - Date.now()) / 1000);
      const why = `pull failed ${ago}s ago: ${failure.message}; the next try is allowed in ${left}s`;
      throw notAvailable(model, why, statusOf(failure.message));
    }
    const outcome = yield* waitForPull(pulls.join(model), model, signal, deps.timing);
    if (outcome.ok) return;
    if (outcome.cancelled) throw notAvailable(model, `the pull was stopped: ${outcome.message}`, 503);
    throw notAvailable(model, `pull failed: ${outcome.message}`, statusOf(outcome.message));
  }

  return {
    resolve,
    ensure,
    ready,
    keepAliveFor,
    preset: (requested) => findPreset(requested || config.defaultModel),
    presetProblem: ({ preset }) =>
      preset.agents && deps.agentsCheck ? deps.agentsCheck(preset.agents) : null,
  };
}

function statusOf(message: string): number {
  return NOT_FOUND.test(message) ? 404 : 502;
}
