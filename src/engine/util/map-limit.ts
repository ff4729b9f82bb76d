// Runs `fn` over items with at most `limit` at a time; settles like
// Promise.allSettled, but the first failure stops starting new ones.
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!) };
      } catch (reason) {
        failed = true;
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results.filter((r) => r !== undefined);
}

/** The first rejection that is not a cancellation, else the first one, else null. */
export function firstFailure(results: readonly PromiseSettledResult<unknown>[], isCancel: (e: unknown) => boolean): unknown {
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (failures.length === 0) return null;
  return failures.find((f) => !isCancel(f)) ?? failures[0];
}
