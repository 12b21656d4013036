// Reads the dashboard makes by itself, every few seconds, marked by a header: logged at debug, not info.

/** Sent by the dashboard on every GET it makes; any client polling the proxy may send it too. */
export const DASHBOARD_HEADER = "x-dashboard";

/**
 * A read only: a POST or DELETE with the header is a user's action (a playground chat, a pull) and
 * keeps its access line; a read cannot change anything, so hiding it from the info log hides nothing.
 */
export function isDashboardRead(req: Request): boolean {
  return (req.method === "GET" || req.method === "HEAD") && req.headers.get(DASHBOARD_HEADER) === "1";
}
