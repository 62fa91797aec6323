import { z } from 'zod';
import { defineRoute } from '../define-route.js';
import { problems } from '../problem.js';

/** Files tools produced (screenshots, plans, exports), served to the tenant that owns them. */
export const artifactRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/artifacts/{tool}/{file}',
    summary: "Download an artifact: the `path` of an ArtifactRef in a task's output",
    tags: ['artifacts'],
    auth: 'member',
    request: {
      params: z.object({
        tool: z.string().regex(/^[a-z][a-z0-9-]*$/),
        file: z.string().regex(/^[\w.-]+$/, 'must be a file name'),
      }),
    },
    responses: { 200: { description: 'The file' }, 404: { description: 'No such artifact for this tenant' } },
    handler: async ({ params, principal, resources, res }) => {
      const file = resources.tools.artifactFile(principal.tenantId, `${params.tool}/${params.file}`);
      if (!file) throw problems.notFound(`No artifact ${params.tool}/${params.file}.`);
      await new Promise<void>((resolve, reject) =>
        res.sendFile(file, (error) => (error ? reject(error) : resolve())),
      );
      return { status: 200, handled: true };
    },
  }),
];
