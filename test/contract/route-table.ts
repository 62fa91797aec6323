import { deref, isObject, pointerOf, type JsonObject, type OpenApiDocument } from './openapi-types.js';

/** A parameter of an operation, `$ref`s resolved, path-level ones merged in. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
  /** Set when the parameter is JSON in a string (`content: {application/json: {schema}}`). */
  json: boolean;
  style?: string;
  explode?: boolean;
}

/** One operation of the spec, as the server routes and validates it. */
export interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  /** JSON pointer of the operation object, for messages and tooling. */
  pointer: string;
  parameters: Parameter[];
  requestBody: JsonObject | undefined;
  responses: JsonObject;
  security: Record<string, string[]>[] | undefined;
}

/** The outcome of routing a request. */
export type RouteMatch =
  { operation: Operation; pathParams: Record<string, string> } | { operation?: undefined; allowed: string[] };

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Route {
  regex: RegExp;
  names: string[];
  rank: number[];
  operations: Map<string, Operation>;
}

/**
 * Maps method + path to the spec's operations. Literal segments win over templated ones
 * (`/issue/bulk` before `/issue/{issueIdOrKey}`), as every vendor's router does.
 */
export class RouteTable {
  readonly byOperationId = new Map<string, Operation>();
  private readonly routes: Route[] = [];

  constructor(doc: OpenApiDocument) {
    for (const [template, rawItem] of Object.entries(doc.paths ?? {})) {
      const item = deref(doc, rawItem);
      if (!isObject(item)) continue;
      const route = compileTemplate(template);
      for (const method of methods) {
        const op = item[method];
        if (!isObject(op)) continue;
        const operation = describeOperation(doc, template, method, item, op);
        // Some specs repeat an operationId; the later one stays reachable by its route only.
        if (!this.byOperationId.has(operation.operationId))
          this.byOperationId.set(operation.operationId, operation);
        route.operations.set(method.toUpperCase(), operation);
      }
      this.routes.push(route);
    }
    this.routes.sort((a, b) => compareRanks(a.rank, b.rank));
  }

  match(method: string, path: string): RouteMatch {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      const operation = route.operations.get(method.toUpperCase());
      if (!operation) {
        for (const m of route.operations.keys()) allowed.add(m);
        continue;
      }
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => (pathParams[name] = safeDecode(found[i + 1] ?? '')));
      return { operation, pathParams };
    }
    return { allowed: [...allowed] };
  }
}

function compileTemplate(template: string): Route {
  const names: string[] = [];
  const rank: number[] = [];
  const segments = template.split('/').map((segment) => {
    if (!segment.includes('{')) {
      rank.push(0);
      return escapeRegex(segment);
    }
    rank.push(/^\{[^}]+\}$/.test(segment) ? 2 : 1);
    return segment
      .split(/(\{[^}]+\})/)
      .map((part) => {
        if (!part.startsWith('{')) return escapeRegex(part);
        names.push(part.slice(1, -1));
        return '([^/]+?)';
      })
      .join('');
  });
  return { regex: new RegExp(`^${segments.join('/')}$`), names, rank, operations: new Map() };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function describeOperation(
  doc: OpenApiDocument,
  template: string,
  method: string,
  item: JsonObject,
  op: JsonObject,
): Operation {
  const merged = new Map<string, Parameter>();
  for (const list of [item.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = deref(doc, raw);
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') continue;
      const content = isObject(p.content) ? Object.values(p.content).find(isObject) : undefined;
      const name = p.in === 'header' ? p.name.toLowerCase() : p.name;
      merged.set(`${p.in} ${name}`, {
        name,
        in: p.in as Parameter['in'],
        required: p.required === true || p.in === 'path',
        schema: content ? content.schema : p.schema,
        json: content !== undefined,
        ...(typeof p.style === 'string' ? { style: p.style } : {}),
        ...(typeof p.explode === 'boolean' ? { explode: p.explode } : {}),
      });
    }
  }
  const requestBody = deref(doc, op.requestBody);
  const responses = deref(doc, op.responses);
  return {
    operationId: typeof op.operationId === 'string' ? op.operationId : `${method.toUpperCase()} ${template}`,
    method: method.toUpperCase(),
    pathTemplate: template,
    pointer: pointerOf('paths', template, method),
    parameters: [...merged.values()],
    requestBody: isObject(requestBody) ? requestBody : undefined,
    responses: isObject(responses) ? responses : {},
    security: Array.isArray(op.security) ? (op.security as Operation['security']) : undefined,
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
