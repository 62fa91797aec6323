import { renameSync, writeFileSync } from 'node:fs';
import { bundleWorkflows } from './create-worker.js';

/** `bundle-workflows-main <file>`: writes the workflow bundle to the file (see bundle-in-child.ts). */
const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: bundle-workflows-main <output file>');
  process.exit(2);
}
// Written whole, then renamed: a worker starting beside this one never reads half a bundle.
const partial = `${file}.${process.pid}.partial`;
writeFileSync(partial, (await bundleWorkflows()).code);
renameSync(partial, file);
