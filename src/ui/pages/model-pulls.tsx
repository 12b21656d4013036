// Pulls: the pull form, this tab's pulls with their progress bars and Cancel, and pulls other clients started.
import { useState, useSyncExternalStore } from "hono/jsx/dom";
import { bytes, duration } from "../format.ts";
import { type PullView, pulls } from "../pulls.ts";

/** A pull in progress as GET /models lists it. */
export interface Pulling {
  model: string;
  status: string;
  percent?: number;
  waiters: number;
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

export function Pulls({ pulling, onFinished }: { pulling: Pulling[]; onFinished: () => void }) {
  const [name, setName] = useState("");
  const mine = useSyncExternalStore(pulls.subscribe, pulls.list);
  // A pull this tab cancelled may still run out its grace period upstream: it is shown once, as cancelled.
  const elsewhere = pulling.filter(
    (p) => !mine.some((m) => m.model === p.model && (m.state === "running" || m.state === "cancelled")),
  );
  return (
    <div class="pull-section">
      <form
        class="pull-form"
        onSubmit={(e: Event) => {
          e.preventDefault();
          const model = name.trim();
          if (model) void pulls.start(model, onFinished);
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
        <PullBar key={p.model} p={p} />
      ))}
      {elsewhere.map((p) => (
        <div key={p.model} class="pull card" data-pull-elsewhere={p.model}>
          <strong>{p.model}</strong> <span class="muted">{p.status} · not started from this tab</span>
          <div class="bar">
            <div style={{ width: `${p.percent ?? 0}%` }} />
          </div>
        </div>
      ))}
    </div>
  );
}
