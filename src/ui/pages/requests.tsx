// Requests: a live tail of GET /events (one row per request, filters, a detail view) and the other events; without /events it says so.
import { useState } from "hono/jsx/dom";
import { send } from "../api.ts";
import { duration } from "../format.ts";
import { useLive } from "../live-hook.ts";
import { isDashboardRead, type RequestRow } from "../requests-log.ts";
import { CaptureView } from "./capture.tsx";

const tokens = (r: RequestRow["record"]) =>
  r.inputTokens === undefined && r.outputTokens === undefined
    ? "–"
    : `${r.inputTokens ?? 0} → ${r.outputTokens ?? 0}`;

const matches = (row: RequestRow, filter: string) =>
  !filter || JSON.stringify(row.record).toLowerCase().includes(filter.toLowerCase());

/** A running POST (a chat, a generation, a pull) can be cancelled: its client gets an error saying so. */
function CancelButton({ id, method }: { id: string; method: string }) {
  const [state, setState] = useState<string | null>(null);
  if (method !== "POST") return <>running</>;
  const cancel = async (e: Event) => {
    e.stopPropagation();
    setState("cancelling…");
    try {
      await send("POST", `/ui/requests/${encodeURIComponent(id)}/cancel`, {});
      setState("cancelled");
    } catch (err) {
      setState((err as Error).message);
    }
  };
  return (
    <>
      running{" "}
      {state ? (
        <span class="muted">{state}</span>
      ) : (
        <button type="button" class="danger" onClick={cancel}>
          Cancel
        </button>
      )}
    </>
  );
}

function Row({ row, open, onToggle }: { row: RequestRow; open: boolean; onToggle: () => void }) {
  const r = row.record;
  const failed = r.outcome && r.outcome !== "ok";
  return (
    <>
      <tr class={`clickable${failed ? " failed" : ""}`} data-request={r.id} onClick={onToggle}>
        <td>{new Date(row.at).toLocaleTimeString()}</td>
        <td class="mono">
          {r.method} {r.route}
        </td>
        <td>{r.model ?? "–"}</td>
        <td>{r.agents?.length ? r.agents.map((a) => `/${a}`).join(" ") : "–"}</td>
        <td>{r.upstream ?? "–"}</td>
        <td>{r.key ?? "–"}</td>
        <td data-col="status">
          {row.running ? (
            <CancelButton id={r.id} method={r.method} />
          ) : (
            `${r.status ?? "?"} ${r.outcome ?? ""}`
          )}
        </td>
        <td data-col="tokens">{tokens(r)}</td>
        <td data-col="ttft">{duration(r.ttftMs)}</td>
        <td data-col="duration">{row.running ? "…" : duration(r.durationMs)}</td>
      </tr>
      {open && (
        <tr>
          <td colSpan={10}>
            <pre data-testid="request-detail">{JSON.stringify(r, null, 2)}</pre>
            {r.method !== "GET" && <CaptureView id={r.id} running={row.running} />}
          </td>
        </tr>
      )}
    </>
  );
}

export function RequestsPage() {
  const state = useLive();
  const [filter, setFilter] = useState("");
  const [mine, setMine] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  if (state.events === null) return <p class="muted">Connecting to the event stream…</p>;
  if (!state.events)
    return (
      <section class="card" data-testid="needs-events">
        <p>
          The live tail needs <code>GET /events</code> (the proxy's event stream), which this proxy does not
          have. Nothing is shown; the overview's request figures come from <code>GET /metrics</code>.
        </p>
      </section>
    );
  const shown = state.requests.filter(
    (row) => (mine || !isDashboardRead(row.record)) && matches(row, filter),
  );
  return (
    <div>
      <section class="card">
        <div class="row">
          <input
            name="filter"
            placeholder="filter: model, agent, route, status, key…"
            value={filter}
            onInput={(e: Event) => setFilter((e.target as HTMLInputElement).value)}
          />
          <label class="muted">
            <input
              type="checkbox"
              name="mine"
              checked={mine}
              onChange={(e: Event) => setMine((e.target as HTMLInputElement).checked)}
            />{" "}
            show the dashboard's own reads
          </label>
          <span class="muted">
            {shown.length} shown · since this page opened, the last 500 kept · click a row for its record
          </span>
        </div>
        <table data-testid="requests">
          <thead>
            <tr>
              <th>Time</th>
              <th>Request</th>
              <th>Model</th>
              <th>Agents</th>
              <th>Upstream</th>
              <th>Key</th>
              <th>Status</th>
              <th>Tokens in → out</th>
              <th>First token</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <Row
                key={row.id}
                row={row}
                open={open === row.id}
                onToggle={() => setOpen(open === row.id ? null : row.id)}
              />
            ))}
          </tbody>
        </table>
        {!shown.length && <p class="muted">No requests yet.</p>}
      </section>
      <h2>Other events</h2>
      <section class="card">
        {state.recent.length ? (
          <ul class="events" data-testid="events">
            {state.recent.slice(0, 50).map((e) => (
              <li key={e.seq} class="mono">
                {new Date(e.at).toLocaleTimeString()} {e.type}{" "}
                {JSON.stringify({ ...e.data, type: undefined }).slice(0, 200)}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No pull, model or agent events yet.</p>
        )}
      </section>
    </div>
  );
}
