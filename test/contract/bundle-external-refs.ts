import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isObject, resolvePointer, type JsonObject } from './openapi-types.js';

/** A spec with every `$ref` pointing inside itself, and the files it was assembled from. */
export interface BundledSpec {
  doc: JsonObject;
  files: { file: string; text: string }[];
}

/**
 * Copies what a spec's cross-file `$ref`s point to (Azure's `../../common-types/...types.json#/definitions/X`)
 * into the spec itself and rewrites the refs to local ones, so that converters and validators only
 * ever see one document. Imported entries keep their name unless it is taken by a different entry;
 * then they get the source file's name as a prefix.
 *
 * `x-ms-examples` are dropped: they point to example files that the specs folder does not hold.
 */
export async function bundleExternalRefs(file: string): Promise<BundledSpec> {
  const texts = new Map<string, string>();
  const parsed = new Map<string, JsonObject>();
  async function load(abs: string): Promise<JsonObject> {
    const known = parsed.get(abs);
    if (known) return known;
    const text = await readFile(abs, 'utf8');
    const doc = JSON.parse(text) as JsonObject;
    texts.set(abs, text);
    parsed.set(abs, doc);
    return doc;
  }

  const root = structuredClone(await load(file));
  const imported = new Map<string, string>(); // "file#/section/name" -> local "#/section/name"

  async function localRef(ref: string, fromFile: string): Promise<string> {
    const [filePart = '', fragment = ''] = ref.split('#');
    const targetFile = filePart ? path.resolve(path.dirname(fromFile), filePart) : fromFile;
    if (targetFile === file) return `#${fragment}`;
    const [, section, name, ...rest] = fragment.split('/');
    if (!section || !name) throw new Error(`cannot bundle $ref ${ref} from ${fromFile}`);
    const key = `${targetFile}#/${section}/${name}`;
    let local = imported.get(key);
    if (!local) {
      const target = resolvePointer(await load(targetFile), `#/${section}/${name}`);
      if (target === undefined) throw new Error(`unresolvable $ref ${ref} from ${fromFile}`);
      const sectionObject = (root[section] ??= {}) as JsonObject;
      let localName = name;
      if (sectionObject[localName] !== undefined) localName = `${path.basename(targetFile, '.json')}.${name}`;
      local = `#/${section}/${localName}`;
      imported.set(key, local);
      const copy = structuredClone(target);
      sectionObject[localName] = copy;
      await rewrite(copy, targetFile);
    }
    return rest.length > 0 ? `${local}/${rest.join('/')}` : local;
  }

  async function rewrite(node: unknown, fromFile: string): Promise<void> {
    if (Array.isArray(node)) {
      for (const item of node) await rewrite(item, fromFile);
      return;
    }
    if (!isObject(node)) return;
    delete node['x-ms-examples'];
    if (typeof node.$ref === 'string' && (fromFile !== file || !node.$ref.startsWith('#'))) {
      node.$ref = await localRef(node.$ref, fromFile);
    }
    for (const value of Object.values(node)) await rewrite(value, fromFile);
  }

  await rewrite(root, file);
  return { doc: root, files: [...texts].map(([f, text]) => ({ file: f, text })) };
}
