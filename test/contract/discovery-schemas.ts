import { Ajv, type Options, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import type {
  DiscoveryDocument,
  DiscoveryMethod,
  DiscoveryParameter,
  DiscoverySchema,
} from './discovery-document.js';
import type { JsonObject } from './openapi-types.js';

/** Request bodies are checked per method (`annotations.required` names methods); responses once. */
type Scope = { direction: 'request'; methodId: string } | { direction: 'response' };

const int64 = '^-?[0-9]{1,19}$';
const uint64 = '^[0-9]{1,20}$';
const base64 = '^[A-Za-z0-9+/_-]*={0,2}$';

/**
 * Converts one Discovery schema to JSON Schema for ajv:
 * - `$ref: "Instance"` becomes the absolute id of that schema in this scope;
 * - 64-bit integers are JSON strings in Google's APIs (`type: string, format: int64`), checked as
 *   decimal digits; `int32`/`uint32` get their ranges; `byte` is base64; `date-time` and
 *   `google-datetime` are RFC 3339;
 * - `pattern` is anchored (Google matches it against the whole value);
 * - an object with `properties` takes no other properties, as Google's front end rejects unknown
 *   fields ("Invalid JSON payload received. Unknown name"); free-form objects take anything;
 * - a property whose `annotations.required` names the method is required in its request body.
 */
export function discoveryToJsonSchema(
  schema: DiscoverySchema,
  scope: Scope,
  refId: (name: string) => string,
): JsonObject {
  if (schema.$ref) return { $ref: refId(schema.$ref) };
  const out: JsonObject = {};
  const { type, format } = schema;
  if (type && type !== 'any') out.type = type;
  if (format === 'int64') out.pattern = int64;
  else if (format === 'uint64') out.pattern = uint64;
  else if (format === 'byte') out.pattern = base64;
  else if (format === 'int32') Object.assign(out, { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 });
  else if (format === 'uint32') Object.assign(out, { minimum: 0, maximum: 2 ** 32 - 1 });
  else if (format === 'date-time' || format === 'google-datetime') out.format = 'date-time';
  else if (format === 'date') out.format = 'date';
  else if (format === 'google-duration') out.pattern = '^-?[0-9]+(\\.[0-9]{1,9})?s$';
  if (schema.pattern && out.pattern === undefined) out.pattern = `^(?:${schema.pattern})$`;
  if (schema.enum) out.enum = schema.enum;
  if (schema.minimum !== undefined) out.minimum = Number(schema.minimum);
  if (schema.maximum !== undefined) out.maximum = Number(schema.maximum);
  if (schema.items) out.items = discoveryToJsonSchema(schema.items, scope, refId);
  if (schema.additionalProperties) {
    out.additionalProperties = discoveryToJsonSchema(schema.additionalProperties, scope, refId);
  }
  if (schema.properties) {
    const entries = Object.entries(schema.properties);
    out.properties = Object.fromEntries(
      entries.map(([name, value]) => [name, discoveryToJsonSchema(value, scope, refId)]),
    );
    out.additionalProperties ??= false;
    if (scope.direction === 'request') {
      const required = entries
        .filter(([, value]) => value.annotations?.required?.includes(scope.methodId))
        .map(([name]) => name);
      if (required.length > 0) out.required = required;
    }
  }
  return out;
}

/** Compiles, on demand, the validators of one Discovery document's methods. */
export class DiscoveryValidators {
  private readonly bodies: Ajv;
  private readonly parameters: Ajv;
  private readonly registered = new Set<string>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly doc: DiscoveryDocument) {
    const options: Options = {
      strict: false,
      allErrors: true,
      validateSchema: false,
      logger: false,
      unicodeRegExp: false,
    };
    this.bodies = new Ajv(options);
    // Parameters arrive as text: "3" must count as 3, "true" as true, one value as a one-item array.
    this.parameters = new Ajv({ ...options, coerceTypes: 'array' });
    ajvFormats.default(this.bodies);
    ajvFormats.default(this.parameters);
  }

  /** The request body of a method, or undefined when it takes none. */
  request(method: DiscoveryMethod): ValidateFunction | undefined {
    const ref = method.request?.$ref;
    if (!ref) return undefined;
    return this.compiled(`request ${method.id}`, () =>
      this.bodySchema(ref, { direction: 'request', methodId: method.id }),
    );
  }

  /** The response body of a method, or undefined when it returns none. */
  response(method: DiscoveryMethod): ValidateFunction | undefined {
    const ref = method.response?.$ref;
    if (!ref) return undefined;
    return this.compiled(`response ${method.id}`, () => this.bodySchema(ref, { direction: 'response' }));
  }

  /** Path and query parameters of a method together with the API's global ones, as one object. */
  parametersOf(method: DiscoveryMethod): ValidateFunction {
    return this.compiled(`parameters ${method.id}`, () => {
      const declared: Record<string, DiscoveryParameter> = { ...this.doc.parameters, ...method.parameters };
      const toSchema = (p: DiscoveryParameter) => {
        const single = discoveryToJsonSchema(p, { direction: 'response' }, (name) => name);
        return p.repeated ? { type: 'array', items: single } : single;
      };
      return this.parameters.compile({
        type: 'object',
        properties: Object.fromEntries(Object.entries(declared).map(([name, p]) => [name, toSchema(p)])),
        required: Object.entries(declared)
          .filter(([, p]) => p.required === true)
          .map(([name]) => name),
        additionalProperties: false,
      });
    });
  }

  private compiled(key: string, build: () => ValidateFunction): ValidateFunction {
    let validate = this.cache.get(key);
    if (!validate) {
      validate = build();
      this.cache.set(key, validate);
    }
    return validate;
  }

  private bodySchema(ref: string, scope: Scope): ValidateFunction {
    const prefix = `https://discovery.invalid/${this.doc.id}/${scope.direction === 'request' ? scope.methodId : 'response'}/`;
    const pending = [ref];
    const refId = (name: string) => {
      if (!this.registered.has(prefix + name)) pending.push(name);
      return prefix + name;
    };
    for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
      if (this.registered.has(prefix + name)) continue;
      const schema = this.doc.schemas[name];
      if (!schema) throw new Error(`the Discovery document has no schema ${name}`);
      this.registered.add(prefix + name);
      this.bodies.addSchema(discoveryToJsonSchema(schema, scope, refId), prefix + name);
    }
    return this.bodies.compile({ $ref: prefix + ref });
  }
}
