// Long series made short enough to chart.

/** At most one point per two pixels: longer series are averaged into buckets (gaps stay gaps). */
export function buckets(values: Array<number | null>, count: number): Array<number | null> {
  if (values.length <= count) return values;
  const out: Array<number | null> = [];
  for (let b = 0; b < count; b++) {
    const slice = values.slice(
      Math.floor((b * values.length) / count),
      Math.floor(((b + 1) * values.length) / count),
    );
    const numbers = slice.filter((v): v is number => v !== null);
    out.push(numbers.length ? numbers.reduce((a, v) => a + v, 0) / numbers.length : null);
  }
  return out;
}
