// A hand-drawn SVG sparkline over the whole session: no chart library is needed for one line.
import { buckets } from "./series.ts";

export interface SparkProps {
  values: Array<number | null>;
  width?: number;
  height?: number;
}

export function Sparkline({ values, width = 240, height = 48 }: SparkProps) {
  const shown = buckets(values, width / 2);
  const numbers = shown.filter((v): v is number => v !== null);
  const max = Math.max(...numbers, 1e-9);
  const step = shown.length > 1 ? width / (shown.length - 1) : width;
  let d = "";
  shown.forEach((v, i) => {
    if (v === null) return;
    const x = (i * step).toFixed(1);
    const y = (height - 2 - (v / max) * (height - 4)).toFixed(1);
    d += `${d && shown[i - 1] != null ? "L" : "M"}${x},${y}`;
  });
  return (
    <svg class="spark" viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-hidden="true">
      <path d={d} />
    </svg>
  );
}
