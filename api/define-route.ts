import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Resources } from '../core/resources.js';
import { hasRole, type Principal, type Role } from '../identity/principal.js';
import { HttpProblem, fieldErrors, problems, validationProblem, type FieldError } from './problem.js';
import { problemSchema } from './schemas.js';

type AnyObject = z.ZodObject<z.ZodRawShape>;
type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteContext<P, Q, H, B> {
  params: P;
  query: Q;
  headers: H;
  body: B;
  /** Set on every route whose `auth` is a role. */
  principal: Principal;
  resources: Resources;
  req: Request;
  res: Response;
}

export interface RouteResult {
  /** Set when the handler wrote the response itself (streams). */
  handled?: boolean;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route described once: Express serves it, the OpenAPI document lists it, zod checks it. */
export interface RouteDefinition<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  H extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: `/v1/jobs/{id}`. */
  path: string;
  summary: string;
  tags: string[];
  /** The least role that may call it, or `public`. */
  auth: Role | 'public';
  request?: { params?: P; query?: Q; headers?: H; body?: B };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  handler(context: RouteContext<Out<P>, Out<Q>, Out<H>, Out<B>>): Promise<RouteResult>;
}

export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  H extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(definition: RouteDefinition<P, Q, H, B>): RouteDefinition {
  return definition as unknown as RouteDefinition;
}

function parsePart(
  schema: z.ZodType | undefined,
  value: unknown,
  where: FieldError['in'],
  errors: FieldError[],
) {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  errors.push(...fieldErrors(parsed.error, where));
  return undefined;
}

export type Authenticate = (req: Request) => Promise<Principal>;

/** Serves each route on `router` and registers it in the OpenAPI registry. */
export function mountRoutes(
  router: Router,
  registry: OpenAPIRegistry,
  resources: Resources,
  authenticate: Authenticate,
  routes: RouteDefinition[],
): void {
  for (const route of routes) {
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema
            ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
            : {}),
        },
      ]),
    );
    const problemContent = { 'application/problem+json': { schema: problemSchema } };
    registry.registerPath({
      method: route.method,
      path: route.path,
      summary: route.summary,
      tags: route.tags,
      ...(route.auth === 'public' ? { security: [] } : {}),
      request: {
        ...(route.request?.params ? { params: route.request.params } : {}),
        ...(route.request?.query ? { query: route.request.query } : {}),
        ...(route.request?.headers ? { headers: route.request.headers } : {}),
        ...(route.request?.body
          ? { body: { required: true, content: { 'application/json': { schema: route.request.body } } } }
          : {}),
      },
      responses: {
        ...responses,
        ...(route.auth === 'public'
          ? {}
          : { 401: { description: 'No or bad credential', content: problemContent } }),
        ...(route.request ? { 422: { description: 'Invalid request', content: problemContent } } : {}),
      },
    });

    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    router[route.method](expressPath, async (req, res) => {
      const principal = route.auth === 'public' ? undefined : await authenticate(req);
      if (principal && route.auth !== 'public' && !hasRole(principal, route.auth)) {
        throw problems.forbidden(
          `This call needs the ${route.auth} role; the credential has ${principal.role}.`,
        );
      }
      if (route.request?.body && req.body === undefined) {
        throw new HttpProblem(
          415,
          'unsupported-media-type',
          'Send the request body as JSON with Content-Type: application/json.',
        );
      }
      const errors: FieldError[] = [];
      const params = parsePart(route.request?.params, req.params, 'path', errors);
      const query = parsePart(route.request?.query, req.query, 'query', errors);
      const headers = parsePart(route.request?.headers, req.headers, 'header', errors);
      const body = parsePart(route.request?.body, req.body, 'body', errors);
      if (errors.length > 0) throw validationProblem(errors);
      const result = await route.handler({
        params: params as never,
        query: query as never,
        headers: headers as never,
        body: body as never,
        principal: principal as Principal,
        resources,
        req,
        res,
      });
      if (result.handled) return;
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    });
  }
}
