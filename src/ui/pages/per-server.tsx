// The models page's fleet summary: installed and loaded models per server, and a server to show alone.
import type { FleetServer } from "../live.ts";

interface Held {
  name: string;
  upstreams?: string[];
}
interface Run {
  name: string;
  upstream?: string;
}

const STATE_CLASS: Record<string, string> = { up: "ok", down: "bad" };

/** The fleet's servers in /health's order; from the model lists alone while /health is not read yet. */
export function serverNames(fleet: FleetServer[] | undefined, tags: Held[], ps: Run[]): string[] {
  if (fleet?.length) return fleet.map((s) => s.name);
  const names = new Set<string>();
  for (const t of tags) for (const u of t.upstreams ?? []) names.add(u);
  for (const r of ps) if (r.upstream) names.add(r.upstream);
  return [...names];
}

export function PerServer(props: {
  servers: string[];
  tags: Held[];
  ps: Run[];
  fleet: FleetServer[] | undefined;
  chosen: string;
  onChoose: (name: string) => void;
}) {
  const stateOf = (name: string) => props.fleet?.find((s) => s.name === name)?.state ?? "unknown";
  return (
    <>
      <h2>Per server</h2>
      <table data-testid="per-server">
        <thead>
          <tr>
            <th>Server</th>
            <th>State</th>
            <th>Installed</th>
            <th>Loaded</th>
          </tr>
        </thead>
        <tbody>
          {props.servers.map((name) => {
            const loaded = props.ps.filter((r) => r.upstream === name).map((r) => r.name);
            return (
              <tr key={name} data-server={name}>
                <td>{name}</td>
                <td>
                  <span class={`badge ${STATE_CLASS[stateOf(name)] ?? ""}`}>{stateOf(name)}</span>
                </td>
                <td data-col="installed">{props.tags.filter((t) => t.upstreams?.includes(name)).length}</td>
                <td data-col="loaded">{loaded.length ? loaded.join(", ") : "–"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <label class="muted">
        show{" "}
        <select name="server" onChange={(e: Event) => props.onChoose((e.target as HTMLSelectElement).value)}>
          <option value="" selected={props.chosen === ""}>
            every server
          </option>
          {props.servers.map((name) => (
            <option key={name} value={name} selected={props.chosen === name}>
              {name} only
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
