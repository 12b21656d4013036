// The overview's fleet table: every upstream server from /health with its state, load and room.
import { relative } from "../format.ts";
import type { FleetServer } from "../live.ts";

const STATE_CLASS: Record<string, string> = { up: "ok", down: "bad" };

/** "1 / 2" with a cap, "1" without: a server with no max-concurrent takes whatever it is sent. */
const load = (s: FleetServer) =>
  s.maxConcurrent ? `${s.inFlight} / ${s.maxConcurrent}` : String(s.inFlight);

export function Servers({ servers, queued }: { servers: FleetServer[]; queued: number }) {
  const up = servers.filter((s) => s.state === "up").length;
  return (
    <section class="card" data-testid="servers">
      <div class="muted">
        fleet of {servers.length}: {up} up
        {up < servers.length ? `, ${servers.length - up} down or not checked yet` : ""} ·{" "}
        <span data-testid="queued">{queued}</span> waiting in the queue for a server with room
      </div>
      <table>
        <thead>
          <tr>
            <th>Server</th>
            <th>State</th>
            <th>In flight</th>
            <th>Weight</th>
            <th>Ollama</th>
            <th>Round trip</th>
            <th>Models</th>
            <th>Loaded</th>
            <th>Checked</th>
          </tr>
        </thead>
        <tbody>
          {servers.map((s) => (
            <tr key={s.name} data-server={s.name} data-state={s.state}>
              <td>
                <strong>{s.name}</strong> <span class="mono muted">{s.url}</span>
              </td>
              <td>
                <span class={`badge ${STATE_CLASS[s.state] ?? ""}`}>{s.state}</span>
                {s.breaker !== "closed" && <span class="badge bad">breaker {s.breaker}</span>}
                {s.error && <div class="error">{s.error}</div>}
              </td>
              <td data-col="in-flight">{load(s)}</td>
              <td>{s.weight}</td>
              <td>{s.version ?? "–"}</td>
              <td>{s.latencyMs === null ? "–" : `${Math.round(s.latencyMs)} ms`}</td>
              <td>{s.models ?? "–"}</td>
              <td data-col="loaded">{s.loaded.length ? s.loaded.join(", ") : "–"}</td>
              <td>{relative(s.checkedAt ?? undefined)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
