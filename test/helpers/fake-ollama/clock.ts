// Timestamps formatted like Go's time.Time JSON: RFC 3339, trailing fractional zeros trimmed.

function trimFraction(iso: string): string {
  // toISOString always prints milliseconds; Go drops trailing zeros (and the dot when nothing is left).
  return iso.replace(/\.(\d*?)0+(?=Z|[+-])/, (_m, digits: string) => (digits ? `.${digits}` : ""));
}

/** Inference responses use UTC: "2025-10-17T23:14:07.414Z". */
export function utcTimestamp(ms: number = Date.now()): string {
  return trimFraction(new Date(ms).toISOString());
}

/** modified_at / expires_at use the server's local offset: "2025-05-10T08:06:48.639-07:00". */
export function localTimestamp(ms: number = Date.now()): string {
  const date = new Date(ms);
  const offsetMin = -date.getTimezoneOffset();
  const shifted = new Date(ms + offsetMin * 60_000).toISOString().slice(0, -1);
  if (offsetMin === 0) return trimFraction(`${shifted}Z`);
  const sign = offsetMin > 0 ? "+" : "-";
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return trimFraction(`${shifted}${sign}${hh}:${mm}`);
}
