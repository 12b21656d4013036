// A queue of messages for one reader: pushed as they arrive, read in order, awaited when empty.
export class Inbox<T> {
  private readonly items: T[] = [];
  private waiter: ((item: T) => void) | null = null;

  push(item: T): void {
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}

/**
 * Pieces a stream may send ahead of its reader: enough to hide the thread hops, no more. The
 * reader hands back credit half a window at a time, so there is no message per piece each way.
 */
export const STREAM_WINDOW = 16;
