/**
 * Many requests with a bounded number in flight.
 * @module
 */

/**
 * Call `fn` on every item, at most `limit` calls pending at once, in item
 * order. Resolves when all have settled; rejects with the first failure (no
 * new calls start after it).
 *
 * Why bounded: the socket keeps its own window (256 requests), so more in
 * flight gains nothing, while 100,000 promises started at once keep every
 * request and its closure alive together and the collector pays for it
 * (a third of a 100,000-route flush).
 * @internal
 */
export async function eachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}
