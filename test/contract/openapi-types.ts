/** A parsed JSON object whose shape is not known yet. */
export type JsonObject = Record<string, unknown>;

/** The parts of an OpenAPI 3.x document the contract server reads; everything else is kept as is. */
export interface OpenApiDocument {
  openapi: string;
  info?: JsonObject;
  servers?: { url: string; variables?: Record<string, { default?: string }> }[];
  paths: Record<string, JsonObject>;
  components?: Record<string, Record<string, unknown> | undefined>;
  security?: Record<string, string[]>[];
  [key: string]: unknown;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a local JSON pointer (`#/components/schemas/Foo`) from a document; undefined if absent. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const tokens = ref
    .slice(1)
    .split('/')
    .slice(1)
    .map((token) => safeDecode(token).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = node[token];
    else return undefined;
  }
  return node;
}

function safeDecode(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token; // a literal '%' in a component name
  }
}

/** Follows `$ref` chains of non-schema objects (parameters, request bodies, responses, …). */
export function deref(doc: unknown, value: unknown): unknown {
  let node = value;
  for (let hops = 0; hops < 20 && isObject(node) && typeof node.$ref === 'string'; hops++) {
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}

/** Builds a JSON pointer fragment from unescaped path segments. */
export function pointerOf(...segments: string[]): string {
  return '#/' + segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}
