// Models: installed, loaded, aliases and presets, pulls in progress; pull, load, unload and delete.
import { useEffect, useState, useSyncExternalStore } from "hono/jsx/dom";
import { getJson, send } from "../api.ts";
import { bytes, duration, relative } from "../format.ts";
import { live } from "../live-hook.ts";
import { type PullView, pulls } from "../pulls.ts";

interface Tag {
  name: string;
  size?: number;
  details?: { parameter_size?: string; quantization_level?: string; family?: string };
  alias_of?: string;
  preset_of?: string;
}

interface Running {
  name: string;
  size_vram?: number;
  size?: number;
  expires_at?: string;
  context_length?: number;
}

interface Status {
  pulling: Array<{ model: string; status: string; percent?: number; waiters: number }>;
  failed: Array<{ model: string; error?: string; message?: string }>;
}

interface Data {
  tags: Tag[];
  ps: Running[];
  status: Status | null;
}

function PullBar({ p }: { p: PullView }) {
  const percent = p.total ? (p.completed / p.total) * 100 : 0;
  const left = p.rate && p.total ? ((p.total - p.completed) / p.rate) * 1000 : null;
  return (
    <div class="pull card" data-pull={p.model} data-state={p.state}>
      <div>
        <strong>{p.model}</strong> <span class="muted">{p.status}</span>
        {p.state === "running" ? (
          <button type="button" onClick={() => pulls.cancel(p.model)}>
            Cancel
          </button>
        ) : (
          <button type="button" class="link" onClick={() => pulls.dismiss(p.model)}>
            dismiss
          </button>
        )}
      </div>
      <div class="bar">
        <div style={{ width: `${percent.toFixed(1)}%` }} />
      </div>
      <div class="muted" data-testid="pull-figures">
        {percent.toFixed(1)}% · {bytes(p.completed)} of {bytes(p.total)} ·{" "}
        {p.rate ? `${bytes(p.rate)}/s` : "–"} · {left !== null ? `${duration(left)} left` : ""}
        {p.error && <span class="error"> {p.error}</span>}
        {p.state === "cancelled" && (
          <span>
            {" "}
            · this tab stopped waiting; the proxy ends the download after its grace period (PULL_GRACE_MS)
            unless another client waits for it
          </span>
        )}
      </div>
    </div>
  );
}

export function ModelsPage() {
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [name, setName] = useState("");
  const mine = useSyncExternalStore(pulls.subscribe, pulls.list);

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
    const timer = setInterval(load, 3000);
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

  // A pull this tab cancelled may still run out its grace period upstream: it is shown once, as cancelled.
  const elsewhere = (data?.status?.pulling ?? []).filter(
    (p) => !mine.some((m) => m.model === p.model && (m.state === "running" || m.state === "cancelled")),
  );
  return (
    <div>
      {error && <p class="error">{error}</p>}
      {notice && (
        <p class="notice" data-testid="notice">
          {notice}
        </p>
      )}
      <form
        class="pull-form"
        onSubmit={(e: Event) => {
          e.preventDefault();
          const model = name.trim();
          if (model) void pulls.start(model, () => void load());
          setName("");
        }}
      >
        <input
          name="pull"
          placeholder="model to pull, e.g. tinyllama"
          value={name}
          onInput={(e: Event) => setName((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Pull</button>
      </form>
      {mine.map((p) => (
        <PullBar p={p} />
      ))}
      {elsewhere.map((p) => (
        <div class="pull card" data-pull-elsewhere={p.model}>
          <strong>{p.model}</strong> <span class="muted">{p.status} · not started from this tab</span>
          <div class="bar">
            <div style={{ width: `${p.percent ?? 0}%` }} />
          </div>
        </div>
      ))}
      <h2>Loaded</h2>
      {data?.ps.length ? (
        <table data-testid="loaded">
          <thead>
            <tr>
              <th>Model</th>
              <th>VRAM</th>
              <th>Context</th>
              <th>Unloads</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.ps.map((m) => (
              <tr data-loaded={m.name}>
                <td>{m.name}</td>
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
        <p class="muted">{data ? "No model is loaded." : "Loading…"}</p>
      )}
      <h2>Installed, aliases and presets</h2>
      <table data-testid="installed">
        <thead>
          <tr>
            <th>Name</th>
            <th>Size</th>
            <th>Parameters</th>
            <th>Quantization</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data?.tags ?? []).map((m) => (
            <tr data-model={m.name}>
              <td>
                {m.name} {m.alias_of && <span class="badge">alias of {m.alias_of}</span>}
                {m.preset_of && <span class="badge">preset of {m.preset_of}</span>}
              </td>
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
              <li>
                {f.model}: {f.error ?? f.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
