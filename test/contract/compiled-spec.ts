import type { ValidateFunction } from 'ajv';
import type { OpenApiDocument } from './openapi-types.js';
import { RouteTable } from './route-table.js';
import type { Direction } from './schema-normalizer.js';
import { SchemaRegistry, type Encoding } from './schema-registry.js';

/**
 * A spec ready to serve: its routes, indexed at once (cheap), and its validators, compiled the
 * first time each is needed and kept for every later server on the same document.
 */
export class CompiledSpec {
  readonly routes: RouteTable;
  private readonly registries = new Map<string, SchemaRegistry>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDocument) {
    this.routes = new RouteTable(doc);
  }

  /** The validator for `key` (an operation pointer plus the part it checks), compiled on first use. */
  validator(key: string, direction: Direction, encoding: Encoding, schema: () => unknown): ValidateFunction {
    const cacheKey = `${direction} ${encoding} ${key}`;
    let validate = this.validators.get(cacheKey);
    if (!validate) {
      validate = this.registry(direction, encoding).compile(schema());
      this.validators.set(cacheKey, validate);
    }
    return validate;
  }

  private registry(direction: Direction, encoding: Encoding): SchemaRegistry {
    const key = `${direction} ${encoding}`;
    let registry = this.registries.get(key);
    if (!registry) {
      registry = new SchemaRegistry(this.doc, direction, encoding);
      this.registries.set(key, registry);
    }
    return registry;
  }
}

const compiled = new WeakMap<OpenApiDocument, CompiledSpec>();

/** The one CompiledSpec of a document. */
export function compileSpec(doc: OpenApiDocument): CompiledSpec {
  let spec = compiled.get(doc);
  if (!spec) {
    spec = new CompiledSpec(doc);
    compiled.set(doc, spec);
  }
  return spec;
}
