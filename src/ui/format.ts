// Numbers as people read them: bytes, durations, rates.
export function bytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function rate(n: number | null | undefined, digits = 1): string {
  if (n == null || !Number.isFinite(n)) return "–";
  return n.toFixed(digits);
}

/** "in 4 min" / "3 s ago" from an ISO time. */
export function relative(iso: string | undefined): string {
  if (!iso) return "–";
  const ms = Date.parse(iso) - Date.now();
  if (!Number.isFinite(ms)) return "–";
  if (Date.parse(iso) > Date.now() + 100 * 365 * 86_400_000) return "never";
  return ms >= 0 ? `in ${duration(ms)}` : `${duration(-ms)} ago`;
}
