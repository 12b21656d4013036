// Runs measurement cases in interleaved rounds (ABC, BCA, CAB…) so slow drift of a shared machine
// lands on every case alike; per-round samples are kept so ratios can be taken within a round.
export interface Case<T> {
  label: string;
  measure(): Promise<T>;
  /** Untimed load before the first round. */
  warm?(): Promise<unknown>;
}

/** samples[label][round] */
export type Samples<T> = Record<string, T[]>;

export async function interleave<T>(
  cases: Case<T>[],
  rounds: number,
  onSample?: (label: string, sample: T) => void,
): Promise<Samples<T>> {
  const samples: Samples<T> = {};
  for (const c of cases) {
    samples[c.label] = [];
    await c.warm?.();
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(round + i) % cases.length]!;
      const sample = await c.measure();
      samples[c.label]!.push(sample);
      onSample?.(c.label, sample);
    }
  }
  return samples;
}
