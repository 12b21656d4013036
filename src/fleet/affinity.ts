// Affinity: a conversation's leading messages (system + first user message) → the server that answered it, so later turns find
// their prompt cache there. Bounded: the oldest entries make room.
const MAX_ENTRIES = 10_000;

export class Affinity {
  private readonly map = new Map<number | bigint, string>();

  keyOf(model: string, messages: readonly unknown[]): number | bigint {
    // What every turn of a conversation starts with: the system messages and the first user message.
    const first = messages.findIndex((m) => (m as { role?: unknown } | null)?.role === "user");
    const leading = first === -1 ? messages : messages.slice(0, first + 1);
    return Bun.hash(`${model}\u0000${JSON.stringify(leading)}`);
  }

  get(key: number | bigint): string | undefined {
    return this.map.get(key);
  }

  set(key: number | bigint, upstream: string): void {
    this.map.delete(key);
    this.map.set(key, upstream);
    if (this.map.size > MAX_ENTRIES) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}
