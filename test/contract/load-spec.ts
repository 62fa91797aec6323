import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../core/paths.js';
import { bundleExternalRefs } from './bundle-external-refs.js';
import { isObject, type JsonObject, type OpenApiDocument } from './openapi-types.js';
import { applySpecFixes } from './spec-fixes.js';

/** A SaaS whose published API description the contract server can load by name. */
export type Vendor =
  | 'slack'
  | 'jira'
  | 'confluence'
  | 'discord'
  | 'plane'
  | 'notion'
  | 'github'
  | 'azure-compute'
  | 'azure-resources';

/** Every vendor `loadSpec` knows. */
export const vendors: readonly Vendor[] = [
  'slack',
  'jira',
  'confluence',
  'discord',
  'plane',
  'notion',
  'github',
  'azure-compute',
  'azure-resources',
];

/** The shared specs folder (see its README.md for the provenance of every file). */
export function specsDir(): string {
  return process.env.SOMAGENT_SPECS_DIR ?? path.join(packageRoot, '..', 'shared', 'specs');
}

const azure = 'azure/specification';

/**
 * Where each spec comes from:
 * - slack: specs/slack/web-api.openapi.json, slackapi/slack-api-specs (Swagger 2.0, 2021; converted).
 * - jira: specs/jira/platform.v3.json, Atlassian's swagger-v3.v3.json (OpenAPI 3.0.1).
 * - confluence: specs/confluence/v2.json, Atlassian's openapi-v2.v3.json (OpenAPI 3.0.3).
 * - discord: specs/discord/openapi.json, discord/discord-api-spec (OpenAPI 3.1.0).
 * - plane: specs/plane/openapi.yaml, makeplane/plane-node-sdk, drf-spectacular output (OpenAPI 3.0.3).
 * - notion: npm @notionhq/notion-mcp-server, scripts/notion-openapi.json (OpenAPI 3.1.0).
 * - github: npm @octokit/openapi, generated/api.github.com.json (OpenAPI 3.0.3; not ghes/ghec,
 *   not the 70 MB `.deref` variant).
 * - azure-compute, azure-resources: specs/azure/…, Azure/oav's copy of azure-rest-api-specs
 *   (Swagger 2.0 with $refs into common-types; bundled, then converted).
 */
function sourceFile(vendor: Vendor): string {
  const specs = specsDir();
  const modules = path.join(packageRoot, 'node_modules');
  switch (vendor) {
    case 'slack':
      return path.join(specs, 'slack/web-api.openapi.json');
    case 'jira':
      return path.join(specs, 'jira/platform.v3.json');
    case 'confluence':
      return path.join(specs, 'confluence/v2.json');
    case 'discord':
      return path.join(specs, 'discord/openapi.json');
    case 'plane':
      return path.join(specs, 'plane/openapi.yaml');
    case 'notion':
      return path.join(modules, '@notionhq/notion-mcp-server/scripts/notion-openapi.json');
    case 'github':
      return path.join(modules, '@octokit/openapi/generated/api.github.com.json');
    case 'azure-compute':
      return path.join(
        specs,
        azure,
        'compute/resource-manager/Microsoft.Compute/stable/2021-11-01/compute.json',
      );
    case 'azure-resources':
      return path.join(
        specs,
        azure,
        'resources/resource-manager/Microsoft.Resources/stable/2021-04-01/resources.json',
      );
  }
}

const loaded = new Map<string, Promise<OpenApiDocument>>();

/**
 * The vendor's API description as an OpenAPI 3.x document with only local `$ref`s, loaded once per
 * process. Swagger 2.0 specs are converted (and the conversion cached on disk, keyed by the hash
 * of the source files); known spec bugs are fixed (see spec-fixes.ts).
 */
export function loadSpec(vendor: Vendor): Promise<OpenApiDocument> {
  let doc = loaded.get(vendor);
  if (!doc) {
    doc = loadSpecFile(sourceFile(vendor)).then((d) => applySpecFixes(vendor, d));
    loaded.set(vendor, doc);
    doc.catch(() => loaded.delete(vendor));
  }
  return doc;
}

/** Loads any OpenAPI 3.x or Swagger 2.0 file (JSON or YAML) as an OpenAPI 3.x document. */
export async function loadSpecFile(file: string): Promise<OpenApiDocument> {
  const text = await readFile(file, 'utf8');
  const yaml = /\.ya?ml$/i.test(file);
  if (!yaml) {
    const doc: unknown = JSON.parse(text);
    // Parsing JSON is as fast as reading a cached copy would be.
    if (isOpenApi3(doc)) return doc;
    if (isObject(doc) && doc.swagger === '2.0') return convertSwagger2(file);
    throw new Error(`${file}: neither OpenAPI 3.x nor Swagger 2.0`);
  }
  // The YAML parser takes ~0.4 s on Plane's 230 KB spec; its JSON result is cached.
  return cachedOnDisk(file, [text], async () => {
    const doc: unknown = parseYaml(text);
    if (isOpenApi3(doc)) return doc;
    throw new Error(`${file}: not an OpenAPI 3.x document (convert Swagger 2.0 YAML to JSON first)`);
  });
}

function isOpenApi3(doc: unknown): doc is OpenApiDocument {
  return isObject(doc) && typeof doc.openapi === 'string' && doc.openapi.startsWith('3.');
}

async function convertSwagger2(file: string): Promise<OpenApiDocument> {
  const bundled = await bundleExternalRefs(file);
  const sources = bundled.files.map(({ file: f, text }) => `${path.basename(f)}\0${text}`);
  return cachedOnDisk(file, [converterVersion(), ...sources], async () => {
    const converted = await swagger2openapi().convertObj(bundled.doc, { patch: true, warnOnly: true });
    return converted.openapi;
  });
}

const cacheFormat = 1;

/** The result of `build`, kept in os.tmpdir() under a hash of `keyParts`, because building is slow. */
async function cachedOnDisk(
  file: string,
  keyParts: string[],
  build: () => Promise<OpenApiDocument>,
): Promise<OpenApiDocument> {
  const hash = createHash('sha256').update(String(cacheFormat));
  for (const part of keyParts) hash.update(`\0${part}`);
  const name = `${path.basename(file, path.extname(file))}-${hash.digest('hex').slice(0, 16)}.json`;
  const cacheFile = path.join(os.tmpdir(), 'somagent-contract-specs', name);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as OpenApiDocument;
  } catch {
    // not built yet on this machine
  }
  const doc = await build();
  // Write then rename: test files in other workers may read the cache at the same moment.
  await mkdir(path.dirname(cacheFile), { recursive: true });
  const partial = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(doc));
  await rename(partial, cacheFile);
  return doc;
}

interface Swagger2OpenApi {
  convertObj(spec: JsonObject, options: JsonObject): Promise<{ openapi: OpenApiDocument }>;
}

// swagger2openapi is CommonJS without type declarations.
const require = createRequire(import.meta.url);
function swagger2openapi(): Swagger2OpenApi {
  return require('swagger2openapi') as Swagger2OpenApi;
}
function converterVersion(): string {
  return (require('swagger2openapi/package.json') as { version: string }).version;
}
