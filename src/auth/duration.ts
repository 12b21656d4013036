// Durations as the CLI and the admin API take them: 90s, 15m, 12h, 30d, 2w.
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds, or null when `text` is not a positive number followed by s, m, h, d or w. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * (UNIT_MS[(m[2] as string).toLowerCase()] as number);
  return ms > 0 ? ms : null;
}

/** The UTC day `ms` falls in, as YYYY-MM-DD (the usage table's day column). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
