// Warm-up: loads models ahead of the first request (`POST /api/generate {model, keep_alive}`, no prompt),
// on every server of a fleet that has the model.
import type { Logger } from "../log.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import { modelKey } from "./names.ts";
import type { ModelService } from "./types.ts";

export interface WarmState {
  model: string;
  state: "loading" | "loaded" | "failed";
  at: string;
  error?: string;
}

export interface Warmer {
  /** Loads `model`; failures are logged and shown in the status, never thrown. */
  load(model: string): Promise<void>;
  /** Models configured with WARM_MODELS: pulled first when missing (and allowed), then loaded in turn. */
  start(): Promise<void>;
  /** Whether a model just pulled should be loaded right away. */
  wantsAfterPull(model: string): boolean;
  status(): WarmState[];
  stop(): void;
}

export interface WarmerDeps {
  upstream: UpstreamClient;
  logger: Logger;
  models: ModelService;
  warmModels: readonly string[];
  warmOnPull: boolean;
  /**
   * The servers to load a model on (a fleet: each one that lists it); absent or empty = one call
   * through `upstream`, which routes it (a fleet of one, or a model no server lists yet).
   */
  targets?: (model: string) => ReadonlyArray<WarmTarget>;
}

export interface WarmTarget {
  name: string;
  upstream: UpstreamClient;
}

const MAX_STATES = 100;

function clip(text: string): string {
  return text.length <= 1000 ? text : `${text.slice(0, 1000)}…`;
}

export function createWarmer(deps: WarmerDeps): Warmer {
  const { upstream, logger, models } = deps;
  const stopper = new AbortController();
  const states = new Map<string, WarmState>();
  /** A configured name Ollama cannot parse is reported by start(); it never matches a pull. */
  const resolved = (name: string): string | null => {
    try {
      return models.resolve(name);
    } catch {
      return null;
    }
  };
  const wanted = () =>
    new Set(
      deps.warmModels
        .map(resolved)
        .filter((m): m is string => m !== null)
        .map((m) => modelKey(m)),
    );
  const set = (model: string, state: WarmState["state"], error?: string) => {
    const key = modelKey(model);
    // One entry per model loaded (every pull with WARM_ON_PULL): the oldest make room.
    states.set(key, { model, state, at: new Date().toISOString(), ...(error ? { error: clip(error) } : {}) });
    for (const old of states.keys()) {
      if (states.size <= MAX_STATES) break;
      states.delete(old);
    }
  };

  const inflight = new Map<string, Promise<void>>();
  /** One load per model at a time: a warm model that arrives by pull is loaded once, not twice. */
  function load(model: string): Promise<void> {
    const key = modelKey(model);
    let running = inflight.get(key);
    if (!running) {
      running = loadOnce(model).finally(() => inflight.delete(key));
      inflight.set(key, running);
    }
    return running;
  }

  async function loadOnce(model: string): Promise<void> {
    const keepAlive = models.keepAliveFor(model);
    const payload = keepAlive === null ? { model } : { model, keep_alive: keepAlive };
    const listed = deps.targets?.(model) ?? [];
    const targets: ReadonlyArray<WarmTarget> = listed.length ? listed : [{ name: "", upstream }];
    set(model, "loading");
    const started = performance.now();
    // Each server loads its own copy at the same time: one slow server does not hold up the others.
    const failures = (
      await Promise.all(
        targets.map(async (t) => {
          try {
            await t.upstream.json("/api/generate", { payload, signal: stopper.signal });
            return null;
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            return t.name ? `${t.name}: ${message}` : message;
          }
        }),
      )
    ).filter((f): f is string => f !== null);
    const ms = Math.round(performance.now() - started);
    const upstreams = listed.length ? targets.map((t) => t.name) : undefined;
    if (!failures.length) {
      set(model, "loaded");
      logger.info("model warmed up", { model, ms, ...(upstreams ? { upstreams } : {}) });
      return;
    }
    const message = failures.join("; ");
    set(model, "failed", message);
    if (!stopper.signal.aborted) logger.warn("warm-up failed", { model, error: message });
  }

  return {
    load,
    async start() {
      for (const name of deps.warmModels) {
        if (stopper.signal.aborted) return;
        const model = resolved(name);
        if (model === null) {
          set(name, "failed", "invalid model name");
          logger.warn("warm-up failed", { model: name, error: "invalid model name" });
          continue;
        }
        try {
          for await (const _ of models.ensure(model, stopper.signal)) {
            // Nobody to show start-up progress to; the pull itself is logged.
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          set(model, "failed", message);
          if (!stopper.signal.aborted) logger.warn("warm-up failed", { model, error: message });
          continue;
        }
        // A warm model that just arrived by pull is already loading (pull hook): this joins that load.
        await load(model);
      }
    },
    wantsAfterPull: (model) => deps.warmOnPull || wanted().has(modelKey(model)),
    status: () => [...states.values()],
    stop: () => stopper.abort(),
  };
}
