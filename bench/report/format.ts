// Formatting helpers for the markdown report: subject names, numbers, tables.
const NAMES: Record<string, string> = {
  direct: "direct (upstream)",
  floor: "floor (minimal Bun proxy)",
  proxy: "proxy (`bun run start`)",
  "proxy-nolog": "proxy, access log off",
  binary: "proxy (compiled binary)",
  "proxy /api/chat": "`/api/chat` (native)",
  "proxy /v1/chat/completions": "`/v1/chat/completions` (translated)",
};
export const name = (label: string) => NAMES[label] ?? label;

export function n(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
