// The model status view for GET /models and the /health `models` section.
import type { UpstreamClient } from "../upstream/client.ts";
import type { PsResponse } from "../wire/ollama.ts";
import type { Catalog } from "./catalog.ts";
import type { PullManager } from "./pull-manager.ts";
import type { ModelSettings } from "./types.ts";
import type { Warmer, WarmState } from "./warm.ts";

export interface ModelStatus {
  autoPull: boolean;
  defaultModel: string | null;
  aliases: Readonly<Record<string, string>>;
  /** Installed models, or null when the upstream did not answer in time. */
  present: string[] | null;
  /** Models in memory (/api/ps), or null when the upstream did not answer in time. */
  loaded: Array<{ name: string; expiresAt?: string; sizeVram?: number }> | null;
  pulling: Array<{
    model: string;
    status: string;
    percent: number | null;
    waiters: number;
    startedAt: string;
  }>;
  /** Recent pull failures; `retryAt` is when a request may trigger a new pull. */
  failed: Array<{ model: string; error: string; at: string; retryAt: string }>;
  warm: WarmState[];
}

export interface StatusDeps {
  config: ModelSettings;
  upstream: UpstreamClient;
  catalog: Catalog;
  pulls: PullManager;
  warmer: Warmer;
}

/** Bounded by `timeoutMs`: /health must answer even when the upstream hangs. */
export async function modelStatus(deps: StatusDeps, timeoutMs: number): Promise<ModelStatus> {
  const { config, catalog, pulls } = deps;
  const [present, loaded] = await Promise.all([
    catalog.refresh(timeoutMs).then((ok) => (ok ? catalog.names() : null)),
    deps.upstream.json<PsResponse>("/api/ps", { timeoutMs }).then(
      (ps) =>
        (ps?.models ?? []).map((m) => ({ name: m.name, expiresAt: m.expires_at, sizeVram: m.size_vram })),
      () => null,
    ),
  ]);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    autoPull: config.autoPull,
    defaultModel: config.defaultModel || null,
    aliases: config.modelAliases,
    present,
    loaded,
    pulling: pulls.active().map((p) => ({ ...p, startedAt: iso(p.startedAt) })),
    failed: pulls
      .recentFailures()
      .map((f) => ({ model: f.model, error: f.message, at: iso(f.at), retryAt: iso(f.retryAt) })),
    warm: deps.warmer.status(),
  };
}
