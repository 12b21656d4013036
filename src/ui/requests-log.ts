// The live tail's rows: request.started and request.finished events of GET /events folded into one row per request id.

/** The request record as request.finished carries it (no bodies); only the fields the tail shows. */
export interface RequestRecord {
  id: string;
  method: string;
  route: string;
  status?: number;
  outcome?: string;
  model?: string;
  agents?: string[];
  upstream?: string;
  key?: string;
  preset?: string;
  inputTokens?: number;
  outputTokens?: number;
  ttftMs?: number;
  ttfbMs?: number;
  durationMs?: number;
  error?: string;
  /** Set by the proxy on the dashboard's own reads. */
  dashboard?: boolean;
  [field: string]: unknown;
}

export interface RequestRow {
  id: string;
  at: number;
  running: boolean;
  record: RequestRecord;
}

/**
 * What the dashboard itself reads over and over: its GETs carry `x-dashboard: 1`, and the proxy marks
 * their records `dashboard: true` (another client's `GET /api/tags` stays in the tail). Its page
 * and assets are opened by the browser, which cannot add the header.
 */
export function isDashboardRead(r: Pick<RequestRecord, "method" | "route" | "dashboard">): boolean {
  return r.dashboard === true || (r.method === "GET" && (r.route === "/ui" || r.route.startsWith("/ui/")));
}

/**
 * Folds one event into the rows (newest first, at most `max`): a start adds a running row, a finish
 * completes it (or adds it, when the start came before this tab subscribed). Other events: unchanged.
 */
export function foldRequest(
  rows: RequestRow[],
  e: { type: string; data: Record<string, unknown>; at: number },
  max = 500,
): RequestRow[] {
  if (e.type === "request.started") {
    const record = e.data as unknown as RequestRecord;
    if (typeof record.id !== "string") return rows;
    return [{ id: record.id, at: e.at, running: true, record }, ...rows].slice(0, max);
  }
  if (e.type === "request.finished") {
    const record = e.data.record as RequestRecord | undefined;
    if (!record || typeof record.id !== "string") return rows;
    const i = rows.findIndex((r) => r.id === record.id);
    if (i < 0) return [{ id: record.id, at: e.at, running: false, record }, ...rows].slice(0, max);
    const next = rows.slice();
    next[i] = { ...(rows[i] as RequestRow), running: false, record };
    return next;
  }
  return rows;
}
