// One request before a streaming case is measured: proves the path works, so no figure comes from errors.
export interface StreamCheck {
  ok: boolean;
  /** Why the case cannot be measured, in words for the report. */
  reason?: string;
  /** Chunks the client received before the final one (NDJSON lines; SSE events with content). */
  chunks: number;
  agentChain: string | null;
}

export async function checkStream(
  url: string,
  body: unknown,
  dialect: "ndjson" | "sse",
): Promise<StreamCheck> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const agentChain = res.headers.get("x-agent-chain");
  if (res.status !== 200) {
    return { ok: false, reason: `HTTP ${res.status}: ${text.slice(0, 200)}`, chunks: 0, agentChain };
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (dialect === "ndjson") {
    const last = JSON.parse(lines.at(-1) ?? "{}") as { done?: boolean; error?: string };
    if (last.done !== true)
      return {
        ok: false,
        reason: `stream did not end with done: ${last.error ?? ""}`,
        chunks: 0,
        agentChain,
      };
    return { ok: true, chunks: lines.length - 1, agentChain };
  }
  const events = lines.filter((l) => l.startsWith("data: "));
  if (events.at(-1) !== "data: [DONE]") {
    return { ok: false, reason: "SSE stream did not end with [DONE]", chunks: 0, agentChain };
  }
  const withContent = events.slice(0, -1).filter((l) => {
    const event = JSON.parse(l.slice("data: ".length)) as {
      choices?: Array<{ delta?: { content?: string } }>;
    };
    return Boolean(event.choices?.[0]?.delta?.content);
  });
  return { ok: true, chunks: withContent.length, agentChain };
}

/**
 * Is `agent` loaded in this proxy? Null when it is, else the reason for the report. Agents load in
 * the background after the proxy starts listening, so a file still loading is waited for (10 s).
 */
export async function agentsMissing(proxyUrl: string, agent: string): Promise<string | null> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const res = await fetch(`${proxyUrl}/plugins`).catch((err: unknown) => err as Error);
    if (res instanceof Error) return `missing: agents not available (GET /plugins failed: ${res.message})`;
    if (res.status !== 200) return `missing: agents not available (GET /plugins answered ${res.status})`;
    const list = (await res.json()) as {
      agents?: Array<{ name?: string; status?: string; error?: unknown }>;
    };
    const found = list.agents?.find((a) => a.name === agent);
    if (found?.status === "loaded") return null;
    if (found && found.status !== "loading")
      return `missing: agents not available (${agent} ${found.status}: ${JSON.stringify(found.error)})`;
    const loading = list.agents?.some((a) => a.status === "loading");
    if (!loading || performance.now() > deadline)
      return `missing: agents not available (GET /plugins does not list ${agent} as loaded)`;
    await Bun.sleep(50);
  }
}

/** Is the redact agent loaded in this proxy? Returns null when it is, else the reason for the report. */
export const redactMissing = (proxyUrl: string) => agentsMissing(proxyUrl, "redact");
