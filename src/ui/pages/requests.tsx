// Requests: a live tail of GET /events with a filter and a detail view; without that endpoint, it says so and shows nothing.
import { useState } from "hono/jsx/dom";
import { useLive } from "../live-hook.ts";
import type { ProxyEvent } from "../sse.ts";

/** The fields a person scans for first, when the event has them. */
const SUMMARY = ["model", "agents", "route", "status", "tokens", "ttftMs", "ttfbMs", "durationMs", "error"];

const summary = (d: Record<string, unknown>) =>
  SUMMARY.filter((k) => d[k] !== undefined && d[k] !== null)
    .map((k) => `${k}=${Array.isArray(d[k]) ? (d[k] as unknown[]).join(",") : String(d[k])}`)
    .join(" ");

const matches = (e: ProxyEvent, filter: string) =>
  !filter || `${e.type} ${JSON.stringify(e.data)}`.toLowerCase().includes(filter.toLowerCase());

export function RequestsPage() {
  const state = useLive();
  const [filter, setFilter] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  if (state.events === null) return <p class="muted">Connecting to the event stream…</p>;
  if (!state.events)
    return (
      <section class="card" data-testid="needs-events">
        <p>
          The live tail needs <code>GET /events</code> (the proxy's event stream), which this proxy does not
          have yet. Nothing is shown until it does; the overview's request figures come from{" "}
          <code>GET /metrics</code>.
        </p>
      </section>
    );
  const shown = state.recent.filter((e) => matches(e, filter));
  return (
    <section class="card">
      <div class="row">
        <input
          name="filter"
          placeholder="filter: model, agent, status, event…"
          value={filter}
          onInput={(e: Event) => setFilter((e.target as HTMLInputElement).value)}
        />
        <span class="muted">
          {shown.length} of {state.recent.length} events (newest first, the last 500 kept)
        </span>
      </div>
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Event</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.seq} class="clickable" onClick={() => setOpen(open === e.seq ? null : e.seq)}>
              <td>{new Date(e.at).toLocaleTimeString()}</td>
              <td>{e.type}</td>
              <td class="mono">
                {summary(e.data) || JSON.stringify(e.data).slice(0, 200)}
                {open === e.seq && <pre data-testid="event-detail">{JSON.stringify(e.data, null, 2)}</pre>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!state.recent.length && <p class="muted">No events yet.</p>}
    </section>
  );
}
