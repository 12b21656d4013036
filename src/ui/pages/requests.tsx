// Requests: a live tail of GET /events; without that endpoint, it says so and shows nothing.
import { useLive } from "../live-hook.ts";

const fields = (d: Record<string, unknown>) =>
  ["model", "agents", "status", "route", "durationMs", "ttfbMs"]
    .filter((k) => d[k] !== undefined)
    .map((k) => `${k}=${Array.isArray(d[k]) ? (d[k] as unknown[]).join(",") : String(d[k])}`)
    .join(" ");

export function RequestsPage() {
  const state = useLive();
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
  return (
    <section class="card">
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Event</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {state.recent.map((e) => (
            <tr>
              <td>{new Date(e.at).toLocaleTimeString()}</td>
              <td>{e.type}</td>
              <td class="mono">{fields(e.data) || JSON.stringify(e.data).slice(0, 200)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!state.recent.length && <p class="muted">No events yet.</p>}
    </section>
  );
}
