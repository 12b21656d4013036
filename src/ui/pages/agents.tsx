// Agents: every file of the agents folder with status, error, hooks and usage (GET /plugins), and the presets.
import { useEffect, useState } from "hono/jsx/dom";
import { getJson } from "../api.ts";
import { useLive } from "../live-hook.ts";

export interface AgentInfo {
  /** null while the file is still loading: its name is known once the module has run. */
  name: string | null;
  status: "loaded" | "failed" | "loading";
  file: string;
  manifest?: { description?: string; usage?: string; version?: string; examples?: string[] };
  hooks?: string[];
  takeover?: boolean;
  settings?: string[];
  loadMs?: number;
  restarts?: number;
  asleep?: boolean;
  error?: string | { message?: string } | null;
}

export interface PresetInfo {
  name: string;
  status: string;
  model: string;
  agents: string[];
  problems?: string[];
}

export interface Plugins {
  loaded: number;
  failed: number;
  loading: number;
  agents: AgentInfo[];
  presets?: PresetInfo[];
}

const errorText = (e: AgentInfo["error"]) => (typeof e === "string" ? e : (e?.message ?? JSON.stringify(e)));

export function AgentsPage() {
  const [plugins, setPlugins] = useState<Plugins | null>(null);
  const [error, setError] = useState<string | null>(null);
  const runs = useLive().last?.agentRuns ?? {};
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // Read again every 5 s, every second while files are still loading (their outcome is near).
    const load = async () => {
      let next = 5000;
      try {
        const p = await getJson<Plugins>("/plugins");
        setPlugins(p);
        setError(null);
        if (p.loading > 0) next = 1000;
      } catch (e) {
        setError((e as Error).message);
      }
      if (!stopped) timer = setTimeout(load, next);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  if (error) return <p class="error">/plugins: {error}</p>;
  if (!plugins) return <p class="muted">Loading…</p>;
  return (
    <div>
      <p class="muted">
        {plugins.loaded} loaded · {plugins.failed} failed · {plugins.loading} loading. Use an agent by
        starting a message with <code>/name</code>.
      </p>
      <div class="agents">
        {plugins.agents.map((a) => (
          <section key={a.file} class="card agent" data-agent={a.name ?? a.file} data-file={a.file}>
            <h3>
              {a.name ? `/${a.name}` : a.file}{" "}
              <span class={`badge ${a.status === "loaded" ? "ok" : a.status === "failed" ? "bad" : ""}`}>
                {a.status}
              </span>
              {a.asleep && <span class="badge">asleep</span>}
            </h3>
            <div class="muted mono">{a.file}</div>
            {a.manifest?.description && <p>{a.manifest.description}</p>}
            {a.manifest?.usage && (
              <p>
                <code>{a.manifest.usage}</code>
              </p>
            )}
            <div class="muted" data-testid="runs">
              {a.name && runs[a.name]
                ? `used in ${runs[a.name]?.total} request(s) since start, ${runs[a.name]?.failed} failed`
                : "no requests since start"}
            </div>
            {a.hooks && a.hooks.length > 0 && <div class="muted">hooks: {a.hooks.join(", ")}</div>}
            {a.settings && a.settings.length > 0 && (
              <div class="muted">settings: {a.settings.join(", ")}</div>
            )}
            {a.loadMs !== undefined && (
              <div class="muted">
                loaded in {Math.round(a.loadMs)} ms · restarts {a.restarts ?? 0}
              </div>
            )}
            {a.error && <pre class="error">{errorText(a.error)}</pre>}
          </section>
        ))}
      </div>
      <h2>Presets</h2>
      {plugins.presets?.length ? (
        <table>
          <tbody>
            {plugins.presets.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>
                  {p.model} + {p.agents.map((a) => `/${a}`).join(" ")}
                </td>
                <td>{p.status}</td>
                <td class="error">{p.problems?.join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No presets (they are defined in the config file).</p>
      )}
    </div>
  );
}
