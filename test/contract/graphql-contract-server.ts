import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { makeExecutableSchema, type IExecutableSchemaDefinition } from '@graphql-tools/schema';
import type * as GraphqlModule from 'graphql';
import type { DocumentNode, FormattedExecutionResult, GraphQLSchema, SelectionSetNode } from 'graphql';
import { listenOnLoopback } from './loopback.js';

/**
 * graphql-js, loaded the way @graphql-tools loads it. graphql 16 ships a CommonJS and an ES module
 * build without an `exports` map: Node resolves @graphql-tools' `import 'graphql'` to the CommonJS
 * one, while Vite (which transforms our test code) picks the ES module, and graphql-js refuses
 * types from the other copy ("Cannot use GraphQLScalarType from another module or realm"). Code
 * that meets a schema made by makeExecutableSchema (scalars, errors) takes graphql from here.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof GraphqlModule;

const {
  GraphQLError,
  execute,
  getOperationAST,
  getVariableValues,
  isScalarType,
  isSpecifiedScalarType,
  parse,
  validate,
} = graphql;

/** Resolvers in graphql-tools' form: type name -> field name -> resolver, and scalar types by name. */
export type GraphqlResolvers = NonNullable<IExecutableSchemaDefinition['resolvers']>;

/** One POST as the server received it. */
export interface GraphqlContractRequest {
  /** Lower-cased names. */
  headers: Record<string, string>;
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

/** What the vendor answers before executing anything (a rejected key, a rate limit). */
export interface GraphqlGuardAnswer {
  status: number;
  headers?: Record<string, string>;
  body: { errors: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Where an exchange broke the schema: the HTTP envelope, the document, its variables, the answer. */
export type GraphqlViolationSite = 'http' | 'document' | 'variables' | 'response';

/** A request or response that does not match the vendor's SDL, or an error the fake did not mean. */
export interface GraphqlViolation {
  operationName: string | undefined;
  where: GraphqlViolationSite;
  message: string;
}

/** One request and what it was answered. */
export interface GraphqlCall {
  operationName: string | undefined;
  /** Root fields the operation selects (`issueCreate`, `teams`), aliases resolved. */
  fields: string[];
  query: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
  status: number;
  response: unknown;
  violations: GraphqlViolation[];
}

/**
 * An error the fake raises on purpose, as the vendor would (entity not found, invalid input).
 * Any other error in a response (a non-null field left null, a scalar that does not serialize,
 * a resolver that throws) is a violation.
 */
export class VendorGraphqlError extends GraphQLError {
  constructor(
    message: string,
    extensions: Record<string, unknown>,
    /** HTTP status of a response that carries this error. */
    readonly httpStatus = 200,
  ) {
    super(message, { extensions });
  }
}

export interface GraphqlContractServerOptions {
  /** The vendor's published SDL. */
  sdlPath: string;
  /** Resolvers over the fake's state; every custom scalar of the SDL needs one. */
  resolvers: GraphqlResolvers;
  /** Answers a request before it is executed when the vendor would (authentication, rate limits). */
  guard?(request: GraphqlContractRequest): GraphqlGuardAnswer | undefined;
  /** The `context` resolvers get; default `{ request }`. */
  context?(request: GraphqlContractRequest): unknown;
  /** Path of the endpoint; default `/graphql`. */
  path?: string;
}

/** A running GraphQL contract server. */
export interface GraphqlContractServer {
  /** Endpoint URL: `http://127.0.0.1:<port>/graphql`. */
  url: string;
  schema: GraphQLSchema;
  calls: GraphqlCall[];
  violations: GraphqlViolation[];
  /** How many requests selected this root field (valid or not). */
  count(fieldName: string): number;
  /** Forgets calls and violations. */
  reset(): void;
  stop(): Promise<void>;
}

// Parsing a 1.2 MB SDL takes ~0.4 s; test files that start several servers parse it once.
const parsedSdl = new Map<string, Promise<DocumentNode>>();
function loadSdl(sdlPath: string): Promise<DocumentNode> {
  let parsed = parsedSdl.get(sdlPath);
  if (!parsed) {
    parsed = readFile(sdlPath, 'utf8').then((text) => parse(text, { noLocation: true }));
    parsedSdl.set(sdlPath, parsed);
    parsed.catch(() => parsedSdl.delete(sdlPath));
  }
  return parsed;
}

/**
 * Starts a GraphQL endpoint on 127.0.0.1 that is the vendor's published schema made executable:
 * every document is validated against the SDL, its variables coerced by the SDL's input types,
 * and the fake's resolvers answer through graphql-js, so every answer has the SDL's shape by
 * construction (a non-null field the fake leaves empty becomes an error, recorded as a violation).
 */
export async function startGraphqlContractServer(
  options: GraphqlContractServerOptions,
): Promise<GraphqlContractServer> {
  const typeDefs = await loadSdl(options.sdlPath);
  // In place: the schema is built for this server alone, so copying it again is wasted time.
  const schema = makeExecutableSchema({
    typeDefs,
    resolvers: options.resolvers,
    updateResolversInPlace: true,
  });
  requireScalarResolvers(schema, options.resolvers);

  const endpoint = options.path ?? '/graphql';
  const calls: GraphqlCall[] = [];
  const violations: GraphqlViolation[] = [];
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      violations.push({
        operationName: undefined,
        where: 'http',
        message: `the server failed: ${String(error)}`,
      });
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const raw = await readBody(req);
    const call: GraphqlCall = {
      operationName: undefined,
      fields: [],
      query: '',
      variables: {},
      headers,
      status: 0,
      response: undefined,
      violations: [],
    };
    calls.push(call);
    const answer = (status: number, body: unknown, extraHeaders: Record<string, string> = {}) => {
      call.status = status;
      call.response = body;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...extraHeaders });
      res.end(JSON.stringify(body));
    };
    const violate = (where: GraphqlViolationSite, messages: string[], status: number) => {
      const found = messages.map((message) => ({ operationName: call.operationName, where, message }));
      call.violations.push(...found);
      violations.push(...found);
      answer(status, { errors: messages.map((message) => ({ message })) });
    };

    const path = new URL(req.url ?? '/', 'http://contract.invalid').pathname;
    if (path !== endpoint)
      return violate('http', [`no GraphQL endpoint at ${path} (it is ${endpoint})`], 404);
    if (req.method !== 'POST')
      return violate('http', [`${req.method} is not supported; POST a JSON body`], 405);
    if (!/^application\/json\b/i.test(headers['content-type'] ?? '')) {
      return violate(
        'http',
        [`content-type must be application/json, not ${headers['content-type'] ?? 'none'}`],
        415,
      );
    }
    const body = parseJson(raw.toString('utf8'));
    if (!isRecord(body) || typeof body.query !== 'string') {
      return violate('http', ['the body must be a JSON object with a string "query"'], 400);
    }
    if (body.variables != null && !isRecord(body.variables))
      return violate('http', ['"variables" must be an object'], 400);
    const request: GraphqlContractRequest = {
      headers,
      query: body.query,
      variables: isRecord(body.variables) ? body.variables : {},
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    };
    Object.assign(call, {
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
    });

    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return violate('document', [(error as Error).message], 400);
    }
    const operation = getOperationAST(document, request.operationName);
    call.operationName ??= operation?.name?.value;
    if (operation) call.fields = rootFields(document, operation.selectionSet);

    // The guard goes after parsing so calls are attributed, and before validation as at the vendor.
    const guarded = options.guard?.(request);
    if (guarded) {
      const problem = guardAnswerProblem(guarded);
      if (problem) return violate('response', [problem], 500);
      return answer(guarded.status, guarded.body, guarded.headers);
    }

    const invalid = validate(schema, document);
    if (invalid.length > 0)
      return violate(
        'document',
        invalid.map((error) => error.message),
        400,
      );
    if (!operation)
      return violate('document', [`no operation named ${request.operationName ?? '(none)'}`], 400);
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables);
    if (coerced.errors)
      return violate(
        'variables',
        coerced.errors.map((error) => error.message),
        400,
      );

    const result = await execute({
      schema,
      document,
      variableValues: request.variables,
      ...(request.operationName ? { operationName: request.operationName } : {}),
      contextValue: options.context ? options.context(request) : { request },
    });
    let status = 200;
    const unexpected: string[] = [];
    for (const error of result.errors ?? []) {
      const original = error.originalError;
      if (original instanceof VendorGraphqlError) status = Math.max(status, original.httpStatus);
      else unexpected.push(`${error.path?.join('.') ?? '(root)'}: ${error.message}`);
    }
    if (unexpected.length > 0) {
      const found = unexpected.map((message) => ({
        operationName: call.operationName,
        where: 'response' as const,
        message,
      }));
      call.violations.push(...found);
      violations.push(...found);
    }
    const formatted: FormattedExecutionResult = {
      ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
      ...(result.data === undefined ? {} : { data: result.data }),
    };
    answer(status, formatted);
  }

  const { origin, stop } = await listenOnLoopback(server);
  return {
    url: origin + endpoint,
    schema,
    calls,
    violations,
    count: (fieldName) => calls.filter((call) => call.fields.includes(fieldName)).length,
    reset() {
      calls.length = 0;
      violations.length = 0;
    },
    stop,
  };
}

// A scalar without a resolver passes any value through, and the answer would no longer be checked.
function requireScalarResolvers(schema: GraphQLSchema, resolvers: GraphqlResolvers): void {
  const given = new Set((Array.isArray(resolvers) ? resolvers : [resolvers]).flatMap((r) => Object.keys(r)));
  const missing = Object.values(schema.getTypeMap())
    .filter((type) => isScalarType(type) && !isSpecifiedScalarType(type) && !given.has(type.name))
    .map((type) => type.name);
  if (missing.length > 0) throw new Error(`custom scalars without a resolver: ${missing.join(', ')}`);
}

function rootFields(document: DocumentNode, selectionSet: SelectionSetNode): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === 'Field') return [selection.name.value];
    if (selection.kind === 'InlineFragment') return rootFields(document, selection.selectionSet);
    const fragment = document.definitions.find(
      (definition) =>
        definition.kind === 'FragmentDefinition' && definition.name.value === selection.name.value,
    );
    return fragment && 'selectionSet' in fragment ? rootFields(document, fragment.selectionSet) : [];
  });
}

function guardAnswerProblem(answer: GraphqlGuardAnswer): string | undefined {
  const errors: unknown = answer.body?.errors;
  if (!Array.isArray(errors) || errors.length === 0)
    return 'a guard answer must carry a non-empty "errors" list';
  if (!errors.every((error) => isRecord(error) && typeof error.message === 'string')) {
    return 'every error of a guard answer needs a string "message"';
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
