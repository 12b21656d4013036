// Keys and usage (AUTH=keys, admin keys): the /admin API: list, create (the key shown once), revoke, usage per key and model.
import { useEffect, useState } from "hono/jsx/dom";
import { ApiError, getJson, send } from "../api.ts";

interface KeyView {
  name: string;
  owner: string | null;
  prefix: string;
  summary: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

interface UsageRow {
  name: string;
  day: string;
  model: string;
  route: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

type Load =
  | { kind: "ok"; keys: KeyView[]; usage: UsageRow[] }
  | { kind: "off" | "denied" | "error"; message: string };

async function read(): Promise<Load> {
  try {
    // Asked first so that with AUTH=off nothing calls /admin (which would reach Ollama and a 404).
    const config = await getJson<{ settings: Record<string, { value: unknown }> }>("/config");
    if (config.settings.auth?.value !== "keys") return { kind: "off", message: "AUTH=off" };
    const [keys, usage] = await Promise.all([
      getJson<{ keys: KeyView[] }>("/admin/keys"),
      getJson<{ usage: UsageRow[] }>("/admin/usage?since=30d"),
    ]);
    return { kind: "ok", keys: keys.keys, usage: usage.usage };
  } catch (e) {
    const err = e as ApiError;
    if (err instanceof ApiError && (err.status === 401 || err.status === 403))
      return { kind: "denied", message: err.message };
    return { kind: "error", message: err.message };
  }
}

function CreateForm({ onCreated }: { onCreated: () => void }) {
  const [form, setForm] = useState({ name: "", models: "", expires: "", manage: false, admin: false });
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const field = (k: keyof typeof form) => (e: Event) => {
    const t = e.target as HTMLInputElement;
    setForm({ ...form, [k]: t.type === "checkbox" ? t.checked : t.value });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const body: Record<string, unknown> = {
        name: form.name.trim(),
        manage: form.manage,
        admin: form.admin,
      };
      if (form.models.trim()) body.models = form.models.trim();
      if (form.expires.trim()) body.expires = form.expires.trim();
      const created = (await (await send("POST", "/admin/keys", body)).json()) as {
        key: string;
        name: string;
      };
      setShown({ name: created.name, key: created.key });
      setForm({ name: "", models: "", expires: "", manage: false, admin: false });
      onCreated();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div class="card">
      <form class="row" name="create-key" onSubmit={submit}>
        <input name="name" placeholder="name" value={form.name} onInput={field("name")} />
        <input
          name="models"
          placeholder="models (comma-separated, empty = all)"
          value={form.models}
          onInput={field("models")}
        />
        <input
          name="expires"
          placeholder="expires in (30d, 12h)"
          value={form.expires}
          onInput={field("expires")}
        />
        <label>
          <input type="checkbox" name="manage" checked={form.manage} onChange={field("manage")} /> manage
          models
        </label>
        <label>
          <input type="checkbox" name="admin" checked={form.admin} onChange={field("admin")} /> admin
        </label>
        <button type="submit">Create key</button>
      </form>
      {error && <p class="error">{error}</p>}
      {shown && (
        <p data-testid="new-key">
          Key <strong>{shown.name}</strong>, shown this once (the proxy keeps only its hash):{" "}
          <code data-testid="new-key-value">{shown.key}</code>
        </p>
      )}
    </div>
  );
}

export function KeysPage() {
  const [state, setState] = useState<Load | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () => void read().then(setState);
  useEffect(load, []);
  if (!state) return <p class="muted">Loading…</p>;
  if (state.kind === "off")
    return (
      <section class="card" data-testid="keys-off">
        <p>
          This proxy runs with <code>AUTH=off</code>: every client that passes the Host and Origin checks has
          the same access, and there are no keys. Start it with <code>AUTH=keys</code> to manage keys here.
        </p>
      </section>
    );
  if (state.kind !== "ok")
    return (
      <p class="error" data-testid="keys-denied">
        /admin: {state.message}
      </p>
    );
  const revoke = async (name: string) => {
    if (!confirm(`Revoke the key ${name}? Clients using it are refused at once.`)) return;
    try {
      await send("DELETE", `/admin/keys/${encodeURIComponent(name)}`, undefined);
      setNotice(`${name} revoked`);
    } catch (e) {
      setNotice(`revoking ${name}: ${(e as Error).message}`);
    }
    load();
  };
  return (
    <div>
      <CreateForm onCreated={load} />
      {notice && <p class="notice">{notice}</p>}
      <table data-testid="keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Policy</th>
            <th>Created</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {state.keys.map((k) => (
            <tr key={k.name} data-key={k.name} class={k.revokedAt ? "muted" : ""}>
              <td>
                {k.name} {k.owner && <span class="muted">({k.owner})</span>}
              </td>
              <td class="mono">{k.prefix}</td>
              <td>{k.summary}</td>
              <td>{new Date(k.createdAt).toLocaleString()}</td>
              <td>
                {k.revokedAt ? `revoked ${new Date(k.revokedAt).toLocaleString()}` : (k.expiresAt ?? "never")}
              </td>
              <td>
                {!k.revokedAt && (
                  <button type="button" class="danger" onClick={() => void revoke(k.name)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Usage, last 30 days</h2>
      {state.usage.length ? (
        <table data-testid="usage">
          <thead>
            <tr>
              <th>Key</th>
              <th>Day</th>
              <th>Model</th>
              <th>Route</th>
              <th>Requests</th>
              <th>Errors</th>
              <th>Tokens in → out</th>
            </tr>
          </thead>
          <tbody>
            {state.usage.map((u) => (
              <tr key={`${u.name}|${u.day}|${u.model}|${u.route}`} data-usage={u.name}>
                <td>{u.name}</td>
                <td>{u.day}</td>
                <td>{u.model}</td>
                <td class="mono">{u.route}</td>
                <td>{u.requests}</td>
                <td>{u.errors}</td>
                <td>
                  {u.inputTokens} → {u.outputTokens}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No usage recorded yet.</p>
      )}
      <button type="button" class="link" onClick={load}>
        Refresh
      </button>
    </div>
  );
}
