// Overview: upstream health and the live request figures of this session, charted.
import { Sparkline } from "../chart.tsx";
import { bytes, duration, rate } from "../format.ts";
import { type Health, POLL_CHOICES } from "../live.ts";
import { live, useLive } from "../live-hook.ts";
import type { Point } from "../metrics.ts";
import { Servers } from "./servers.tsx";

function Figure(props: { id: string; title: string; value: string; values: Array<number | null> }) {
  return (
    <div class="figure card" data-figure={props.id}>
      <div class="muted">{props.title}</div>
      <div class="value">{props.value}</div>
      <Sparkline values={props.values} />
    </div>
  );
}

const lastOf = (points: Point[], pick: (p: Point) => number | null) => {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    const v = p ? pick(p) : null;
    if (v !== null) return v;
  }
  return null;
};

function modelsLine(h: Health): string {
  const m = h.models;
  if (!m) return "";
  const count = (list: unknown[] | null) => (list ? String(list.length) : "?");
  const names = m.loaded?.length ? ` (${m.loaded.map((x) => x.name).join(", ")})` : "";
  return ` · models ${count(m.present)} present, ${count(m.loaded)} loaded${names}, ${count(m.pulling)} being pulled`;
}

export function OverviewPage() {
  const s = useLive();
  const h = s.health;
  const p = s.points;
  const up = h?.upstream;
  return (
    <div>
      <section class="card health" data-testid="health">
        {h && up ? (
          <>
            <span class={`badge ${up.reachable ? "ok" : "bad"}`}>
              {up.reachable ? "upstream up" : "upstream down"}
            </span>{" "}
            <span class="mono">{up.url}</span>
            {up.reachable
              ? ` · Ollama ${up.version ?? "?"} · ${up.latencyMs ?? "?"} ms`
              : ` · ${up.error ?? ""}`}
            <div class="muted">
              proxy {h.version} · up {duration(h.uptimeSeconds * 1000)}
              {modelsLine(h)}
              {h.agents &&
                ` · agents ${h.agents.loaded} loaded, ${h.agents.failed} failed, ${h.agents.loading} loading`}
            </div>
          </>
        ) : (
          <span class="badge bad">{s.healthError ?? "checking…"}</span>
        )}
      </section>
      {/* A fleet of one is the health line above; the table is for several servers. */}
      {h?.upstreams && h.upstreams.servers.length > 1 && (
        <Servers servers={h.upstreams.servers} queued={h.upstreams.queued} />
      )}
      {s.metricsError && <p class="error">/metrics: {s.metricsError}</p>}
      <div class="figures">
        <Figure
          id="rps"
          title="requests / s"
          value={rate(
            lastOf(p, (x) => x.requestsPerSecond),
            2,
          )}
          values={p.map((x) => x.requestsPerSecond)}
        />
        <Figure
          id="errors"
          title="errors / s"
          value={rate(
            lastOf(p, (x) => x.errorsPerSecond),
            2,
          )}
          values={p.map((x) => x.errorsPerSecond)}
        />
        <Figure
          id="tokens"
          title="output tokens / s"
          value={rate(
            lastOf(p, (x) => x.outputTokensPerSecond),
            1,
          )}
          values={p.map((x) => x.outputTokensPerSecond)}
        />
        <Figure
          id="ttft"
          title="time to first token"
          value={duration(lastOf(p, (x) => x.ttftMs))}
          values={p.map((x) => x.ttftMs)}
        />
        <Figure
          id="ttfb"
          title="time to first byte (streams)"
          value={duration(lastOf(p, (x) => x.ttfbMs))}
          values={p.map((x) => x.ttfbMs)}
        />
        <Figure
          id="inflight"
          title="in flight"
          value={String(s.last?.inFlight ?? "–")}
          values={p.map((x) => x.inFlight)}
        />
        {s.last?.queued != null && (
          <Figure
            id="queue"
            title="waiting in the queue"
            value={String(s.last.queued)}
            values={p.map((x) => x.queued)}
          />
        )}
        {s.last?.queued != null && (
          <Figure
            id="queue-wait"
            title="time waited in the queue"
            value={duration(lastOf(p, (x) => x.queueWaitMs))}
            values={p.map((x) => x.queueWaitMs)}
          />
        )}
      </div>
      <p class="muted" data-testid="totals">
        {s.last
          ? `since start: ${s.last.requests} requests, ${s.last.errors} errors, ${s.last.inputTokens} input and ${s.last.outputTokens} output tokens · memory ${bytes(s.last.memory)}`
          : "reading /metrics…"}{" "}
        · the dashboard's own polls of /metrics, /health and /models are not counted · charts:{" "}
        {p.length ? `last ${duration((p.at(-1)?.at ?? 0) - (p[0]?.at ?? 0))}` : "from the second reading"}
      </p>
      <label class="muted">
        read every{" "}
        <select
          name="poll"
          onChange={(e: Event) => live.setPollMs(Number((e.target as HTMLSelectElement).value))}
        >
          {POLL_CHOICES.map((ms) => (
            <option key={ms} value={String(ms)} selected={ms === s.pollMs}>
              {ms / 1000} s
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
