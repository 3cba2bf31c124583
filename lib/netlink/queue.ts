/**
 * A queue read by one async consumer: what dumps and monitors hand to their
 * iterators. Items are pushed as batches arrive; `next()` waits for one; the
 * producer ends it (with an error, thrown after the queued items, or not).
 * @module
 */
export class AsyncQueue<T> {
  #items: T[] = [];
  #head = 0;
  #ended = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;

  /** Items queued and not yet read. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** True once ended (items may still be queued). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Queue an item; call {@link AsyncQueue.wake} after a batch. Ignored once ended. */
  push(item: T): void {
    if (!this.#ended) this.#items.push(item);
  }

  /** Let a waiting `next()` look again. */
  wake(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** No more items: `next()` gives what is queued, then throws `error` once (if any), then is done. Idempotent. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.wake();
  }

  /** Drop what is queued (the consumer went away, or a backlog is abandoned). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }

  /** The next item, waiting for one; then the end. */
  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.#head < this.#items.length) {
        const value = this.#items[this.#head++] as T;
        // Reclaim the read part now and then rather than shifting every time.
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        return { value, done: false };
      }
      if (this.#ended) {
        if (this.#error !== undefined) {
          const e = this.#error;
          this.#error = undefined;
          throw e;
        }
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}
