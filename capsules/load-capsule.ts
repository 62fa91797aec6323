import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isNode, parseDocument } from 'yaml';
import type { AnyAdapter } from '../adapters/core/define-adapter.js';
import { checkCapsule } from './check-capsule.js';
import { capsuleSchema, type Capsule } from './schema.js';

/** One precise complaint about a capsule document: file, where inside it, and what is wrong. */
export interface CapsuleProblem {
  file: string;
  /** `steps[2].uses`, or empty for the whole document. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export class CapsuleError extends Error {
  constructor(readonly problems: CapsuleProblem[]) {
    super(
      problems
        .map(
          (p) =>
            `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`,
        )
        .join('\n'),
    );
    this.name = 'CapsuleError';
  }
}

export interface LoadedCapsule {
  capsule: Capsule;
  /** SHA-256 of the document text: the same id and version with another hash is a different capsule. */
  contentHash: string;
  source: string;
}

const formatPath = (segments: (string | number | symbol)[]) =>
  segments.reduce<string>(
    (text, segment) =>
      typeof segment === 'number'
        ? `${text}[${segment}]`
        : text
          ? `${text}.${String(segment)}`
          : String(segment),
    '',
  );

/** Parses and checks one capsule document (YAML or JSON text). */
export function parseCapsule(text: string, file: string, adapters: Map<string, AnyAdapter>): LoadedCapsule {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    throw new CapsuleError(
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          file,
          path: '',
          ...(position ? { line: position.line, column: position.col } : {}),
          message: error.message.split('\n')[0] ?? error.message,
        };
      }),
    );
  }
  const locate = (segments: (string | number | symbol)[]): { line?: number; column?: number } => {
    for (let length = segments.length; length >= 0; length--) {
      const node = document.getIn(segments.slice(0, length) as (string | number)[], true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return {};
  };
  const parsed = capsuleSchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new CapsuleError(
      parsed.error.issues.map((issue) => ({
        file,
        path: formatPath(issue.path),
        ...locate(issue.path),
        message: issue.message,
      })),
    );
  }
  const issues = checkCapsule(parsed.data, adapters);
  if (issues.length > 0) {
    throw new CapsuleError(
      issues.map((issue) => ({
        file,
        path: formatPath(issue.path),
        ...locate(issue.path),
        message: issue.message,
      })),
    );
  }
  return { capsule: parsed.data, contentHash: createHash('sha256').update(text).digest('hex'), source: file };
}

/** Every `*.yaml` capsule in a directory; all problems of all files are reported together. */
export function loadCapsuleDirectory(dir: string, adapters: Map<string, AnyAdapter>): LoadedCapsule[] {
  const loaded: LoadedCapsule[] = [];
  const problems: CapsuleProblem[] = [];
  for (const name of readdirSync(dir)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort()) {
    const file = path.join(dir, name);
    try {
      loaded.push(parseCapsule(readFileSync(file, 'utf8'), file, adapters));
    } catch (error) {
      if (error instanceof CapsuleError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new CapsuleError(problems);
  return loaded;
}
