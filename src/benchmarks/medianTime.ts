import { performance } from 'node:perf_hooks';

/** Median wall time of `fn` in ms after one warm-up call, over at least `minRuns` runs and `minMs` ms. */
export async function medianMs(fn: () => Promise<unknown>, minRuns: number, minMs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
