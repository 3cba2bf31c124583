/**
 * A queue read by async consumers: what dumps, monitors and tun devices hand
 * to their iterators. Items are pushed as batches arrive; `next()` waits for
 * one (several waiters each get their own item, in order; a waiter can give
 * up through an AbortSignal without losing an item); the producer ends it
 * (with an error, thrown after the queued items, or not).
 * @module
 */
export class AsyncQueue<T> {
  #items: T[] = [];
  #head = 0;
  #ended = false;
  #error: unknown = undefined;
  readonly #waiters = new Set<() => void>();

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

  /** Let the waiting `next()` calls look again. */
  wake(): void {
    if (this.#waiters.size === 0) return;
    const ws = [...this.#waiters];
    this.#waiters.clear();
    for (const w of ws) w();
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

  /** Remove and return everything queued (to release what the items hold). */
  takeAll(): T[] {
    const out = this.#items.slice(this.#head);
    this.clear();
    return out;
  }

  /**
   * The next item, waiting for one; then the end. With a `signal`, an abort
   * rejects with the signal's reason and takes nothing from the queue.
   */
  async next(signal?: AbortSignal): Promise<IteratorResult<T, undefined>> {
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
      if (signal === undefined) {
        await new Promise<void>((resolve) => this.#waiters.add(resolve));
        continue;
      }
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.#waiters.delete(wake);
          reject(signal.reason);
        };
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#waiters.add(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
