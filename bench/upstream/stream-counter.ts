// Counts the fake upstream's open streams and remembers the peak, for the 1,000-streams workload.
export interface StreamCounter {
  open(): void;
  close(): void;
  snapshot(): { open: number; peak: number; total: number };
  /** Zeroes the peak and total (the open count stays true) and returns the values before. */
  reset(): { open: number; peak: number; total: number };
}

export function streamCounter(): StreamCounter {
  let open = 0;
  let peak = 0;
  let total = 0;
  return {
    open() {
      open++;
      total++;
      if (open > peak) peak = open;
    },
    close() {
      open--;
    },
    snapshot: () => ({ open, peak, total }),
    reset() {
      const before = { open, peak, total };
      peak = open;
      total = 0;
      return before;
    },
  };
}
