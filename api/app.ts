import { randomUUID } from 'node:crypto';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { Resources } from '../core/resources.js';
import type { JwtVerifier } from '../identity/jwt.js';
import { createAuthenticate } from './authenticate.js';
import { mountRoutes } from './define-route.js';
import { HttpProblem, problems } from './problem.js';
import { healthRoutes } from './routes/health.js';
import { identityRoutes } from './routes/identity.js';
import { jobRoutes } from './routes/jobs.js';
import { artifactRoutes } from './routes/artifacts.js';
import { projectRoutes } from './routes/projects.js';
import { toolRoutes } from './routes/tools.js';

const version = '0.1.0';

/** Labels the latency histogram by route template (`/v1/jobs/:id`), never by raw path. */
function metricsMiddleware(resources: Resources): RequestHandler {
  return (req, res, next) => {
    const stop = resources.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

function problemHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error);
    if (problem.status >= 500) req.log.error({ err: error }, 'request failed');
    for (const [name, value] of Object.entries(problem.extras.headers ?? {})) res.setHeader(name, value);
    const { headers: _headers, ...extras } = problem.extras;
    res
      .status(problem.status)
      .type('application/problem+json')
      .json({
        type: problem.type,
        title: problem.title,
        status: problem.status,
        detail: problem.message,
        instance: req.originalUrl,
        requestId: String(req.id),
        ...extras,
      });
  };
}

/** Maps anything thrown in a request to a problem; unknown errors become a 500 that hides internals. */
function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const bodyError = error as { type?: string; status?: number; limit?: number };
  if (bodyError.type === 'entity.parse.failed')
    return problems.badRequest('The request body is not valid JSON.');
  if (bodyError.type === 'entity.too.large') {
    return new HttpProblem(
      413,
      'too-large',
      `The request body is larger than the limit of ${bodyError.limit} bytes.`,
    );
  }
  if (bodyError.type === 'encoding.unsupported' || bodyError.type === 'charset.unsupported') {
    return new HttpProblem(415, 'unsupported-media-type', 'The request body encoding is not supported.');
  }
  if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return new HttpProblem(bodyError.status, 'bad-request', (error as Error).message);
  }
  return new HttpProblem(500, 'internal', 'Something went wrong on our side; the request id is in the logs.');
}

export function buildOpenApiDocument(registry: OpenAPIRegistry) {
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A SomaGent API key (sg_...) or a JWT signed by the configured key',
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'SomaGent API',
      version,
      description: 'Durable, multi-agent project automation on Temporal. Errors are RFC 9457 problem+json.',
    },
    security: [{ bearer: [] }],
  });
}

/** The Express app: every route, its OpenAPI document, docs, metrics and one error shape. */
export function createApp(resources: Resources, jwt: JwtVerifier | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: resources.logger.child({ component: 'api' }),
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    }),
  );
  app.use(metricsMiddleware(resources));
  app.use(helmet());
  app.use(
    express.json({
      limit: resources.config.SOMAGENT_BODY_LIMIT,
      type: ['application/json', 'application/*+json'],
    }),
  );

  const registry = new OpenAPIRegistry();
  const router = express.Router();
  mountRoutes(router, registry, resources, createAuthenticate(resources.pool, jwt), [
    ...healthRoutes,
    ...identityRoutes,
    ...jobRoutes,
    ...toolRoutes,
    ...projectRoutes,
    ...artifactRoutes,
  ]);
  const document = buildOpenApiDocument(registry);

  app.get('/metrics', async (_req, res) => {
    res.type(resources.metrics.registry.contentType).send(await resources.metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'SomaGent API' }));
  app.use(router);
  app.use((req, _res, next) => next(problems.notFound(`No route ${req.method} ${req.path}.`)));
  app.use(problemHandler());
  return app;
}
