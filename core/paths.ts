import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the SomaGent package (where package.json lives). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Project-local tool installs (the Temporal CLI venv, Go builds); kept across runs, never committed. */
export const toolsDir = path.join(packageRoot, '.tools');
