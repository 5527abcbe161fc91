/** Small helpers shared by the benchmarks: percentiles and aligned result lines. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summary(samples: number[], digits = 2): string {
  return `p50 ${percentile(samples, 50).toFixed(digits)} ms  p95 ${percentile(samples, 95).toFixed(digits)} ms  p99 ${percentile(samples, 99).toFixed(digits)} ms  (n=${samples.length})`;
}

export function line(figure: string, value: string, goal: string): void {
  process.stdout.write(`${figure.padEnd(46)} ${value.padEnd(58)} goal: ${goal}\n`);
}
