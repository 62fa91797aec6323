import type { z } from 'zod';

/** One field-level complaint inside a 4xx problem. */
export interface FieldError {
  /** Where the bad value was: body, query, path or header. */
  in: 'body' | 'query' | 'path' | 'header';
  /** Dotted path inside that part, e.g. `input.olderThanDays`; empty for the whole part. */
  path: string;
  message: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * An error that the API answers as RFC 9457 problem+json. Throw it anywhere in a route; the
 * error handler turns it into the response.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  get title(): string {
    return titles[this.status] ?? 'Error';
  }

  get type(): string {
    return `urn:somagent:problem:${this.slug}`;
  }
}

export const problems = {
  badRequest: (detail: string) => new HttpProblem(400, 'bad-request', detail),
  unauthorized: (detail: string) =>
    new HttpProblem(401, 'unauthorized', detail, {
      headers: { 'WWW-Authenticate': 'Bearer realm="somagent"' },
    }),
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', detail),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', detail),
  conflict: (detail: string) => new HttpProblem(409, 'conflict', detail),
  invalid: (detail: string, errors: FieldError[]) => new HttpProblem(422, 'validation', detail, { errors }),
  unavailable: (detail: string, extras: Record<string, unknown> = {}) =>
    new HttpProblem(503, 'unavailable', detail, extras),
};

/** Field errors from a zod failure, with paths prefixed (for a nested part such as `input`). */
export function fieldErrors(error: z.ZodError, where: FieldError['in'], prefix: string[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    in: where,
    path: [...prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** A 422 whose detail names the first bad field, so a person reading only `detail` knows what to fix. */
export function validationProblem(errors: FieldError[]): HttpProblem {
  const first = errors[0];
  const where = first ? `${first.in}${first.path ? ` field "${first.path}"` : ''}` : 'request';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return problems.invalid(`Invalid ${where}: ${first?.message ?? 'invalid'}${more}`, errors);
}
