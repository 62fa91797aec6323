import { isObject, resolvePointer, type JsonObject } from './openapi-types.js';

/**
 * Which side of the exchange a schema checks. OpenAPI lets `readOnly` properties be required in a
 * schema shared by both sides: they are then required in responses only (and `writeOnly` ones in
 * requests only).
 */
export type Direction = 'request' | 'response';

/** What the normalizer needs from its registry. */
export interface NormalizeContext {
  doc: unknown;
  /** '3.0' schemas are OpenAPI's JSON Schema dialect; '3.1' schemas are JSON Schema 2020-12. */
  dialect: '3.0' | '3.1';
  direction: Direction;
  /** The absolute schema id a local `$ref` becomes; the registry loads that target on demand. */
  refId(pointer: string): string;
  /** Called for every `format`, so unknown vendor formats (snowflake, repo.nwo, …) can be registered. */
  sawFormat(name: string): void;
}

const schemaMaps = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const schemaLists = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const schemaValues = new Set([
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
  'contentSchema',
]);
// Annotations ajv would not use, and `discriminator`, which only narrows a oneOf that already
// validates without it (ajv's own discriminator support rejects most real-world uses). `$id` and
// `$schema` inside a component would re-register or re-dialect it; every ref is absolute here.
const dropped = new Set([
  'example',
  'examples',
  'xml',
  'externalDocs',
  'discriminator',
  'deprecated',
  'nullable',
  '$id',
  '$schema',
  '$comment',
]);

/**
 * Turns an OpenAPI schema into one ajv compiles: `nullable` becomes a `null` type, 3.0's boolean
 * `exclusiveMinimum` the numeric form, `readOnly`/`writeOnly` properties leave `required` on the
 * side that does not send them, local `$ref`s become absolute ids, and `$ref` siblings are dropped
 * in 3.0 (where they are ignored) except `nullable`. Examples, defaults and enums are copied, not walked.
 */
export function normalizeSchema(schema: unknown, ctx: NormalizeContext): JsonObject {
  if (schema === true || schema === undefined) return {};
  if (schema === false) return { not: {} };
  if (!isObject(schema)) return {};

  if (typeof schema.$ref === 'string' && ctx.dialect === '3.0') {
    const ref: JsonObject = { $ref: ctx.refId(schema.$ref) };
    return schema.nullable === true ? { anyOf: [ref, { type: 'null' }] } : ref;
  }

  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || dropped.has(key)) continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = ctx.refId(value);
    else if (schemaMaps.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeSchema(v, ctx)]));
    } else if (schemaLists.has(key) && Array.isArray(value)) {
      out[key] = value.map((v) => normalizeSchema(v, ctx));
    } else if (schemaValues.has(key) && (isObject(value) || typeof value === 'boolean')) {
      out[key] = typeof value === 'boolean' ? value : normalizeSchema(value, ctx);
    } else if (key === 'items' && Array.isArray(value)) {
      out[key] = value.map((v) => normalizeSchema(v, ctx));
    } else {
      out[key] = value;
    }
  }
  if (typeof out.format === 'string') ctx.sawFormat(out.format);
  // Discord's generator emits `enum: []` where it lost the values; ajv refuses to compile that.
  if (Array.isArray(out.enum) && out.enum.length === 0) delete out.enum;

  for (const bound of ['Minimum', 'Maximum'] as const) {
    const exclusive = `exclusive${bound}`;
    const limit = bound.toLowerCase();
    if (out[exclusive] === true && typeof out[limit] === 'number') {
      out[exclusive] = out[limit];
      delete out[limit];
    } else if (typeof out[exclusive] === 'boolean') delete out[exclusive];
  }

  if (Array.isArray(out.required) && isObject(schema.properties)) {
    const properties = schema.properties;
    const hidden = ctx.direction === 'request' ? 'readOnly' : 'writeOnly';
    out.required = out.required.filter(
      (name) => typeof name !== 'string' || !hasFlag(properties[name], hidden, ctx.doc),
    );
  }

  return schema.nullable === true ? withNull(out) : out;
}

function withNull(schema: JsonObject): JsonObject {
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.type))
    return schema.type.includes('null') ? schema : { ...schema, type: [...schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

// Jira writes `{allOf: [{$ref}], readOnly: true}`; others put the flag on the referenced schema.
function hasFlag(property: unknown, flag: 'readOnly' | 'writeOnly', doc: unknown): boolean {
  for (let hops = 0; hops < 5 && isObject(property); hops++) {
    if (property[flag] === true) return true;
    if (typeof property.$ref === 'string') property = resolvePointer(doc, property.$ref);
    else if (Array.isArray(property.allOf) && property.allOf.length === 1) property = property.allOf[0];
    else return false;
  }
  return false;
}
