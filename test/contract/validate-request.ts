import type { CompiledSpec } from './compiled-spec.js';
import { deref, isObject, type JsonObject } from './openapi-types.js';
import { isFormMedia, pickMediaType } from './request-body.js';
import type { Operation, Parameter } from './route-table.js';
import { describeErrors } from './schema-registry.js';
import type { ParsedRequest, VendorQuirks } from './vendor-quirks.js';
import type { Issue } from './violation.js';

/** Options of request checking. */
export interface RequestChecks {
  quirks: VendorQuirks;
  /** Accept query parameters the operation does not declare (real APIs ignore them silently). */
  allowUnknownQueryParameters: boolean;
}

// OpenAPI: header parameters with these names "SHALL be ignored"; the protocol carries them.
const ignoredHeaders = new Set(['accept', 'content-type', 'authorization']);

/**
 * Checks a routed request against its operation: credentials present as a security scheme asks,
 * path, query and header parameters, and the body. Coerces parameters and form fields in place.
 */
export function validateRequest(
  spec: CompiledSpec,
  operation: Operation,
  request: ParsedRequest,
  rawBodyLength: number,
  checks: RequestChecks,
): Issue[] {
  const issues: Issue[] = [];
  const security = checkSecurity(spec, operation, request);
  if (security) issues.push({ where: 'security', message: security, status: 401 });

  const headerValues = { ...request.headers };
  for (const [location, values] of [
    ['path', request.params],
    ['query', request.query],
    ['header', headerValues],
  ] as const) {
    const declared = operation.parameters.filter(
      (p) => p.in === location && !(location === 'header' && ignoredHeaders.has(p.name)),
    );
    const message = checkParameters(spec, operation, location, declared, values);
    if (message) issues.push({ where: location, message, status: 400 });
  }
  if (!checks.allowUnknownQueryParameters) {
    const known = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    const unknown = Object.keys(request.query).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      issues.push({
        where: 'query',
        message: `the operation has no query parameter ${unknown.join(', ')}`,
        status: 400,
      });
    }
  }

  const body = checkBody(spec, operation, request, rawBodyLength, checks.quirks);
  if (body) issues.push(body);
  return issues;
}

function checkParameters(
  spec: CompiledSpec,
  operation: Operation,
  location: Parameter['in'],
  declared: Parameter[],
  values: Record<string, unknown>,
): string | undefined {
  if (declared.length === 0) return undefined;
  for (const p of declared) {
    const value = values[p.name];
    if (typeof value !== 'string') continue;
    if (p.json) {
      try {
        values[p.name] = JSON.parse(value);
      } catch {
        return `${location} parameter ${p.name} is not JSON`;
      }
    } else if (isArraySchema(spec, p.schema)) {
      const separator = separatorOf(p);
      if (separator) values[p.name] = value.split(separator);
    }
  }
  const validate = spec.validator(`${operation.pointer} ${location}`, 'request', 'text', () => ({
    type: 'object',
    properties: Object.fromEntries(declared.map((p) => [p.name, p.schema ?? {}])),
    required: declared.filter((p) => p.required).map((p) => p.name),
  }));
  return validate(values) ? undefined : describeErrors(validate.errors, location);
}

function separatorOf(p: Parameter): string | undefined {
  const style = p.style ?? (p.in === 'query' ? 'form' : 'simple');
  if (style === 'simple') return ',';
  if (style === 'form') return p.explode === false ? ',' : undefined;
  if (style === 'pipeDelimited') return '|';
  if (style === 'spaceDelimited') return ' ';
  return undefined;
}

function isArraySchema(spec: CompiledSpec, schema: unknown): boolean {
  const resolved = deref(spec.doc, schema);
  if (!isObject(resolved)) return false;
  return resolved.type === 'array' || (Array.isArray(resolved.type) && resolved.type.includes('array'));
}

function checkBody(
  spec: CompiledSpec,
  operation: Operation,
  request: ParsedRequest,
  rawBodyLength: number,
  quirks: VendorQuirks,
): Issue | undefined {
  const declaration = operation.requestBody;
  if (!declaration) {
    return rawBodyLength > 0
      ? { where: 'body', message: 'the operation takes no request body', status: 400 }
      : undefined;
  }
  if (rawBodyLength === 0) {
    return declaration.required === true
      ? { where: 'body', message: 'the operation requires a request body', status: 400 }
      : undefined;
  }
  const content = isObject(declaration.content) ? declaration.content : {};
  const declared = Object.keys(content);
  if (!request.media) return { where: 'body', message: 'the body has no Content-Type', status: 415 };
  const alias = quirks.bodyMediaAliases?.[request.media];
  const key = pickMediaType(declared, request.media) ?? (alias ? pickMediaType(declared, alias) : undefined);
  if (!key) {
    return {
      where: 'body',
      message: `Content-Type ${request.media} is not one the operation takes (${declared.join(', ')})`,
      status: 415,
    };
  }
  const media = content[key];
  const schema = isObject(media) ? media.schema : undefined;
  if (schema === undefined) return undefined;
  const encoding = isFormMedia(request.media) ? 'text' : 'json';
  const validate = spec.validator(`${operation.pointer} body ${key}`, 'request', encoding, () => schema);
  return validate(request.body)
    ? undefined
    : { where: 'body', message: describeErrors(validate.errors, 'body'), status: 400 };
}

function checkSecurity(spec: CompiledSpec, operation: Operation, request: ParsedRequest): string | undefined {
  const requirements = operation.security ?? spec.doc.security;
  if (!requirements || requirements.length === 0) return undefined;
  const schemes = spec.doc.components?.securitySchemes ?? {};
  const met = requirements.some((requirement) =>
    Object.keys(requirement).every((name) => schemeMet(deref(spec.doc, schemes[name]), request)),
  );
  if (met) return undefined;
  const names = requirements.map((r) => Object.keys(r).join(' + ') || 'none').join(' or ');
  return `no credentials for any security requirement (${names})`;
}

function schemeMet(scheme: unknown, request: ParsedRequest): boolean {
  if (!isObject(scheme)) return true; // a requirement naming no declared scheme: the spec's bug, not the client's
  const authorization = request.headers.authorization ?? '';
  const { type } = scheme as JsonObject;
  if (type === 'http') {
    const wanted = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
    return wanted ? authorization.toLowerCase().startsWith(`${wanted} `) : authorization !== '';
  }
  if (type === 'apiKey' && typeof scheme.name === 'string') {
    if (scheme.in === 'header') return request.headers[scheme.name.toLowerCase()] !== undefined;
    if (scheme.in === 'query') return request.query[scheme.name] !== undefined;
    if (scheme.in === 'cookie') return (request.headers.cookie ?? '').includes(`${scheme.name}=`);
  }
  if (type === 'oauth2' || type === 'openIdConnect') return /^bearer\s+\S/i.test(authorization);
  return true;
}
