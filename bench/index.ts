import { benchToolOverhead } from './tool-overhead.js';

/** `npm run bench`: each benchmark measures its figures side by side in one run and prints ratios. */
const benches: Record<string, () => Promise<void>> = {
  'tool-overhead': () => benchToolOverhead(Number(process.env.BENCH_ROUNDS ?? 300)),
};

const only = process.argv[2];
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
