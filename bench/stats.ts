/** Percentile of a sample (nearest rank), in the sample's unit. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

/** Runs `a` and `b` alternately `rounds` times so drift on a busy machine hits both alike. */
export async function sideBySide(rounds: number, a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const times = { a: [] as number[], b: [] as number[] };
  /** CPU time this process spent per call (ms): unlike wall time, other processes' load barely moves it. */
  const cpu = { a: 0, b: 0 };
  const order = [
    ['a', a],
    ['b', b],
  ] as const;
  for (let i = 0; i < rounds; i++) {
    for (const [name, fn] of i % 2 === 0 ? order : [...order].reverse()) {
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      await fn();
      const used = process.cpuUsage(cpuStart);
      times[name].push(performance.now() - started);
      cpu[name] += (used.user + used.system) / 1000 / rounds;
    }
  }
  return { ...times, cpu };
}
