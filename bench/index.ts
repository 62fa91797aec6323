import { benchProjectOverhead } from './project-overhead.js';
import { benchToolOverhead } from './tool-overhead.js';

/** `npm run bench`: each benchmark measures its figures side by side in one run and prints ratios. */
const benches: Record<string, () => Promise<void>> = {
  'tool-overhead': () => benchToolOverhead(Number(process.env.BENCH_ROUNDS ?? 300)),
  'project-overhead': () =>
    benchProjectOverhead({
      rounds: Number(process.env.BENCH_PROJECT_ROUNDS ?? 10),
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? 50),
      waiting: Number(process.env.BENCH_WAITING ?? 1000),
    }),
};

const only = process.argv[2];
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
