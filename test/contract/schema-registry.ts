import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { normalizeSchema, type Direction, type NormalizeContext } from './schema-normalizer.js';
import { resolvePointer, type OpenApiDocument } from './openapi-types.js';

/**
 * How values reach a validator: `json` as sent; `text` from a URL, header or form field, where
 * `"3"` must count as 3 and a single value as a one-item array.
 */
export type Encoding = 'json' | 'text';

/**
 * Compiles the schemas of one spec on demand. Nothing is compiled at start: a schema is normalized
 * (schema-normalizer.ts) and compiled the first time an operation needs it, together with the
 * components it references, each added to ajv once under a synthetic id. That keeps start-up
 * independent of spec size (GitHub's is 13 MB with ~1,200 operations).
 */
export class SchemaRegistry {
  private readonly ajv: Ajv;
  private readonly ids = new Map<string, string>();
  private readonly pending: string[] = [];
  private readonly context: NormalizeContext;

  constructor(doc: OpenApiDocument, direction: Direction, encoding: Encoding) {
    const dialect = doc.openapi.startsWith('3.0') ? '3.0' : '3.1';
    const options: Options = {
      strict: false,
      allErrors: true,
      validateSchema: false,
      logger: false,
      // Vendor patterns are written for other regex engines; `u` mode rejects escapes like `\-`.
      unicodeRegExp: false,
      coerceTypes: encoding === 'text' ? 'array' : false,
      // Inlining copies a shared component into every schema using it; Discord's message schemas
      // compile in less than half the time when each component is one function.
      inlineRefs: false,
    };
    this.ajv = dialect === '3.0' ? new Ajv(options) : new Ajv2020(options);
    ajvFormats.default(this.ajv);
    this.context = {
      doc,
      dialect,
      direction,
      refId: (ref) => this.refId(ref),
      sawFormat: (name) => {
        if (!this.ajv.formats[name]) this.ajv.addFormat(name, true);
      },
    };
  }

  /** Compiles a raw OpenAPI schema (from the spec or built around spec parts). */
  compile(schema: unknown): ValidateFunction {
    const normalized = normalizeSchema(schema, this.context);
    for (let ref = this.pending.shift(); ref !== undefined; ref = this.pending.shift()) {
      const target = resolvePointer(this.context.doc, ref);
      if (target === undefined) throw new Error(`the spec has no ${ref}`);
      this.ajv.addSchema(normalizeSchema(target, this.context), this.ids.get(ref));
    }
    return this.ajv.compile(normalized);
  }

  private refId(ref: string): string {
    if (!ref.startsWith('#'))
      throw new Error(`external $ref ${ref} (load the spec with loadSpecFile to bundle it)`);
    let id = this.ids.get(ref);
    if (!id) {
      id = `https://contract.invalid/schema/${this.ids.size}`;
      this.ids.set(ref, id);
      this.pending.push(ref);
    }
    return id;
  }
}

/** One line per ajv error, as few as say what is wrong: `/fields/summary must be string`. */
export function describeErrors(errors: ErrorObject[] | null | undefined, prefix = ''): string {
  if (!errors || errors.length === 0) return 'invalid';
  const lines = errors.slice(0, 6).map((error) => {
    const at = `${prefix}${error.instancePath}` || '/';
    const params = error.params as Record<string, unknown>;
    const detail =
      error.keyword === 'additionalProperties'
        ? ` '${String(params.additionalProperty)}'`
        : error.keyword === 'enum'
          ? ` ${JSON.stringify(params.allowedValues).slice(0, 200)}`
          : '';
    return `${at} ${error.message ?? error.keyword}${detail}`;
  });
  if (errors.length > 6) lines.push(`… ${errors.length - 6} more`);
  return lines.join('; ');
}
