// Models: installed, loaded, aliases and presets, pulls in progress; pull, load, unload and delete.
import { useEffect, useState } from "hono/jsx/dom";
import { getJson, send } from "../api.ts";
import { bytes, relative } from "../format.ts";
import { live, useLive } from "../live-hook.ts";
import { type Pulling, Pulls } from "./model-pulls.tsx";
import { PerServer, serverNames } from "./per-server.tsx";

interface Tag {
  name: string;
  size?: number;
  details?: { parameter_size?: string; quantization_level?: string; family?: string };
  alias_of?: string;
  preset_of?: string;
  /** The fleet's servers that have it installed (a fleet of several). */
  upstreams?: string[];
}

interface Running {
  name: string;
  size_vram?: number;
  size?: number;
  expires_at?: string;
  context_length?: number;
  /** The fleet's server it runs on (a fleet of several). */
  upstream?: string;
}

interface Status {
  pulling: Pulling[];
  failed: Array<{ model: string; error?: string; message?: string }>;
}

interface Data {
  tags: Tag[];
  ps: Running[];
  status: Status | null;
}

export function ModelsPage() {
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [server, setServer] = useState("");
  const fleet = useLive().health?.upstreams?.servers;

  const load = async () => {
    try {
      const [tags, ps, status] = await Promise.all([
        getJson<{ models: Tag[] }>("/api/tags"),
        getJson<{ models: Running[] }>("/api/ps"),
        getJson<Status>("/models").catch(() => null),
      ]);
      setData({ tags: tags.models ?? [], ps: ps.models ?? [], status });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load();
    const timer = setInterval(() => document.hidden || void load(), 3000);
    const off = live.onEvent((e) => {
      if (/pull|model/.test(e.type)) void load();
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, []);

  const act = async (what: string, run: () => Promise<unknown>) => {
    setNotice(`${what}…`);
    try {
      await run();
      setNotice(`${what}: done`);
    } catch (e) {
      setNotice(`${what}: ${(e as Error).message}`);
    }
    void load();
  };
  const loadModel = (model: string) =>
    act(`load ${model}`, () => send("POST", "/api/generate", { model, stream: false }).then((r) => r.text()));
  const unload = (model: string) =>
    act(`unload ${model}`, () =>
      send("POST", "/api/generate", { model, keep_alive: 0, stream: false }).then((r) => r.text()),
    );
  const remove = (model: string) => {
    if (!confirm(`Delete ${model} from the Ollama server?`)) return;
    void act(`delete ${model}`, () => send("DELETE", "/api/delete", { model }));
  };

  const servers = serverNames(fleet, data?.tags ?? [], data?.ps ?? []);
  const onServer = (names: string[] | undefined) => !server || (names ?? []).includes(server);
  const loaded = (data?.ps ?? []).filter((m) => onServer(m.upstream ? [m.upstream] : undefined));
  const installed = (data?.tags ?? []).filter((m) => onServer(m.upstreams));
  const loadedOn = (model: string, name: string) =>
    (data?.ps ?? []).some((m) => m.name === model && m.upstream === name);

  return (
    <div>
      {error && <p class="error">{error}</p>}
      {notice && (
        <p class="notice" data-testid="notice">
          {notice}
        </p>
      )}
      <Pulls pulling={data?.status?.pulling ?? []} onFinished={() => void load()} />
      {servers.length > 1 && data && (
        <PerServer
          servers={servers}
          tags={data.tags}
          ps={data.ps}
          fleet={fleet}
          chosen={server}
          onChoose={setServer}
        />
      )}
      <h2>Loaded</h2>
      {loaded.length ? (
        <table data-testid="loaded">
          <thead>
            <tr>
              <th>Model</th>
              {servers.length > 1 && <th>Server</th>}
              <th>VRAM</th>
              <th>Context</th>
              <th>Unloads</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {loaded.map((m) => (
              <tr key={`${m.name} ${m.upstream ?? ""}`} data-loaded={m.name} data-upstream={m.upstream}>
                <td>{m.name}</td>
                {servers.length > 1 && <td>{m.upstream ?? "–"}</td>}
                <td>{bytes(m.size_vram)}</td>
                <td>{m.context_length ?? "–"}</td>
                <td>{relative(m.expires_at)}</td>
                <td>
                  <button type="button" onClick={() => unload(m.name)}>
                    Unload
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">
          {data ? `No model is loaded${server ? ` on ${server}` : ""}.` : error ? "–" : "Loading…"}
        </p>
      )}
      <h2>Installed, aliases and presets</h2>
      <table data-testid="installed">
        <thead>
          <tr>
            <th>Name</th>
            {servers.length > 1 && <th>Servers</th>}
            <th>Size</th>
            <th>Parameters</th>
            <th>Quantization</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {installed.map((m) => (
            <tr key={m.name} data-model={m.name}>
              <td>
                {m.name} {m.alias_of && <span class="badge">alias of {m.alias_of}</span>}
                {m.preset_of && <span class="badge">preset of {m.preset_of}</span>}
              </td>
              {servers.length > 1 && (
                <td data-col="servers">
                  {(m.upstreams ?? []).map((name) => (
                    <span
                      key={name}
                      class={`badge${loadedOn(m.name, name) ? " ok" : ""}`}
                      data-on={name}
                      title={loadedOn(m.name, name) ? `loaded on ${name}` : `installed on ${name}`}
                    >
                      {name}
                      {loadedOn(m.name, name) ? " · loaded" : ""}
                    </span>
                  ))}
                </td>
              )}
              <td>{bytes(m.size)}</td>
              <td>{m.details?.parameter_size ?? "–"}</td>
              <td>{m.details?.quantization_level ?? "–"}</td>
              <td class="actions">
                <button type="button" onClick={() => loadModel(m.name)}>
                  Load
                </button>
                {!m.alias_of && !m.preset_of && (
                  <button type="button" class="danger" onClick={() => remove(m.name)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.status?.failed.length ? (
        <>
          <h2>Recent pull failures</h2>
          <ul>
            {data.status.failed.map((f) => (
              <li key={f.model}>
                {f.model}: {f.error ?? f.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
