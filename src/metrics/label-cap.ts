// Bounds a label's distinct values (model names come from clients and agents): the first `max` keep
// their name, later ones become "other", so a flood of made-up names cannot grow /metrics.
export class LabelCap {
  private readonly seen = new Map<string, string>();
  constructor(private readonly max: number) {}

  /** The label value, escaped for the exposition format, or "other" once `max` names are taken. */
  value(name: string): string {
    const known = this.seen.get(name);
    if (known !== undefined) return known;
    if (this.seen.size >= this.max) return "other";
    const escaped = escapeLabel(name);
    this.seen.set(name, escaped);
    return escaped;
  }
}

/** Prometheus text format: backslash, double quote and newline are escaped in label values. */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}
