import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { specsDir } from './load-spec.js';

/** A schema of a Google API Discovery document (JSON Schema draft 3 flavoured, `$ref` by schema id). */
export interface DiscoverySchema {
  id?: string;
  type?: string;
  $ref?: string;
  format?: string;
  enum?: string[];
  pattern?: string;
  minimum?: string;
  maximum?: string;
  properties?: Record<string, DiscoverySchema>;
  items?: DiscoverySchema;
  additionalProperties?: DiscoverySchema;
  /** `required: [methodId, …]`: the property is required in the request body of those methods. */
  annotations?: { required?: string[] };
  description?: string;
}

/** A path or query parameter of a method, or a global one. */
export interface DiscoveryParameter extends DiscoverySchema {
  location: 'path' | 'query';
  required?: boolean;
  repeated?: boolean;
}

/** One REST method: `compute.instances.insert` is `POST projects/{project}/zones/{zone}/instances`. */
export interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  flatPath?: string;
  parameters?: Record<string, DiscoveryParameter>;
  request?: { $ref: string };
  response?: { $ref: string };
  scopes?: string[];
}

/** A resource (`instances`): its methods, and resources nested in it. */
export interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

/** The parts of a Discovery document (`discovery#restDescription`) the contract server uses. */
export interface DiscoveryDocument {
  kind: 'discovery#restDescription';
  id: string;
  name: string;
  version: string;
  revision?: string;
  rootUrl: string;
  servicePath: string;
  parameters?: Record<string, DiscoveryParameter>;
  schemas: Record<string, DiscoverySchema>;
  resources?: Record<string, DiscoveryResource>;
  auth?: { oauth2?: { scopes?: Record<string, unknown> } };
}

/** A Google API whose Discovery document is kept in ../shared/specs. */
export type DiscoveryApi = 'gcp-compute';

/** Where each one comes from: see ../shared/specs/README.md. */
function sourceFile(api: DiscoveryApi): string {
  switch (api) {
    case 'gcp-compute':
      // googleapis/google-api-nodejs-client discovery/compute-v1.json, revision 20230606.
      return path.join(specsDir(), 'gcp/compute.v1.json');
  }
}

const loaded = new Map<string, Promise<DiscoveryDocument>>();

/** Loads a Discovery document by API name or file path, once per process. */
export function loadDiscovery(source: DiscoveryApi | string): Promise<DiscoveryDocument> {
  const file = source === 'gcp-compute' ? sourceFile(source) : source;
  let doc = loaded.get(file);
  if (!doc) {
    doc = readFile(file, 'utf8').then((text) => {
      const parsed = JSON.parse(text) as DiscoveryDocument;
      if (parsed.kind !== 'discovery#restDescription') throw new Error(`${file}: not a Discovery document`);
      return parsed;
    });
    loaded.set(file, doc);
    doc.catch(() => loaded.delete(file));
  }
  return doc;
}

/** Every method of the document, nested resources included. */
export function methodsOf(doc: DiscoveryDocument): DiscoveryMethod[] {
  const out: DiscoveryMethod[] = [];
  const visit = (resources: Record<string, DiscoveryResource> | undefined) => {
    for (const resource of Object.values(resources ?? {})) {
      out.push(...Object.values(resource.methods ?? {}));
      visit(resource.resources);
    }
  };
  visit(doc.resources);
  return out;
}

/** The outcome of routing a request: a method and its path parameters, or the methods the path allows. */
export type DiscoveryMatch =
  { method: DiscoveryMethod; pathParams: Record<string, string> } | { method?: undefined; allowed: string[] };

interface Route {
  regex: RegExp;
  names: string[];
  /** Per segment: 0 literal, 1 parameter; literal segments win over parameters, left to right. */
  rank: number[];
  byHttpMethod: Map<string, DiscoveryMethod>;
}

/**
 * Routes requests by `httpMethod` and `flatPath` (else `path`), relative to the service path.
 * `{name}` matches one segment; `{+name}` (reserved expansion) may span several.
 */
export class DiscoveryRoutes {
  private readonly routes: Route[] = [];

  constructor(doc: DiscoveryDocument) {
    const byTemplate = new Map<string, Route>();
    for (const method of methodsOf(doc)) {
      const template = method.flatPath ?? method.path;
      let route = byTemplate.get(template);
      if (!route) {
        route = compile(template);
        byTemplate.set(template, route);
        this.routes.push(route);
      }
      route.byHttpMethod.set(method.httpMethod.toUpperCase(), method);
    }
    this.routes.sort((a, b) => compareRanks(a.rank, b.rank));
  }

  /** `relativePath` has no leading slash: `projects/p/zones/z/instances`. */
  match(httpMethod: string, relativePath: string): DiscoveryMatch {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const found = route.regex.exec(relativePath);
      if (!found) continue;
      const method = route.byHttpMethod.get(httpMethod.toUpperCase());
      if (!method) {
        for (const m of route.byHttpMethod.keys()) allowed.add(m);
        continue;
      }
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => (pathParams[name] = safeDecode(found[i + 1] ?? '')));
      return { method, pathParams };
    }
    return { allowed: [...allowed] };
  }
}

function compile(template: string): Route {
  const names: string[] = [];
  const rank: number[] = [];
  const segments = template.split('/').map((segment) => {
    rank.push(segment.includes('{') ? 1 : 0);
    return segment
      .split(/(\{\+?[^}]+\})/)
      .map((part) => {
        if (!part.startsWith('{')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const reserved = part.startsWith('{+');
        names.push(part.slice(reserved ? 2 : 1, -1));
        return reserved ? '(.+?)' : '([^/]+?)';
      })
      .join('');
  });
  return { regex: new RegExp(`^${segments.join('/')}$`), names, rank, byHttpMethod: new Map() };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
