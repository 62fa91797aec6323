import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError, categoryOfStatus } from '../core/errors.js';
import { figma, fileKey, nodeIds, type FigmaClient } from './client.js';

const operation = defineOperation<FigmaClient>();

const artifactRef = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  path: z.string(),
});

const formats = {
  png: {
    contentType: 'image/png',
    looksRight: (bytes: Uint8Array) => pngSignature.every((byte, i) => bytes[i] === byte),
  },
  svg: {
    contentType: 'image/svg+xml',
    looksRight: (bytes: Uint8Array) =>
      /<svg[\s>]/.test(Buffer.from(bytes.subarray(0, 1024)).toString('utf8')),
  },
};
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Downloads one rendered image. The URL is a pre-signed link on Figma's image host, so the token
 * is not sent with it: it would only leak the token to another host.
 */
async function download(client: FigmaClient, url: string, signal: AbortSignal): Promise<Uint8Array> {
  const response = await client.fetch(url, { signal });
  if (!response.ok) {
    await response.body?.cancel();
    // An expired or failed render link: asking Figma to render again gives a fresh one.
    const category =
      response.status === 403 || response.status === 404 ? 'transient' : categoryOfStatus(response.status);
    throw new ToolError(category, `downloading a rendered image answered ${response.status}`, {
      tool: 'figma',
      status: response.status,
    });
  }
  return new Uint8Array(await response.arrayBuffer());
}

export const imageOperations = {
  exportImages: operation({
    description:
      'Render frames or other nodes as PNG or SVG, download each image and keep it as an artifact; returns ' +
      'artifact references, and the node ids Figma could not render.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      fileKey,
      ids: nodeIds,
      format: z.enum(['png', 'svg']).default('png'),
      /** PNG scale factor; SVGs are vectors and ignore it. */
      scale: z.number().min(0.01).max(4).default(1),
    }),
    output: z.object({
      images: z.array(z.object({ nodeId: z.string(), artifact: artifactRef })),
      failed: z.array(z.object({ nodeId: z.string(), reason: z.string() })),
    }),
    run: async (context, input) => {
      const { client, signal } = context;
      const rendered = await figma<{ err: string | null; images: Record<string, string | null> }>(
        client,
        'GET',
        `/v1/images/${input.fileKey}`,
        {
          query: {
            ids: input.ids.join(','),
            format: input.format,
            ...(input.format === 'png' ? { scale: input.scale } : {}),
          },
          signal,
        },
      );
      const format = formats[input.format];
      const images = [];
      const failed = [];
      for (const nodeId of input.ids) {
        const url = rendered.images[nodeId];
        if (!url) {
          failed.push({
            nodeId,
            reason: 'Figma rendered no image for this node (missing, or nothing visible)',
          });
          continue;
        }
        const bytes = await download(client, url, signal);
        if (!format.looksRight(bytes)) {
          throw new ToolError(
            'transient',
            `the image rendered for ${nodeId} is not a ${input.format.toUpperCase()}`,
            { tool: 'figma' },
          );
        }
        const name = `${input.fileKey}-${nodeId.replace(/[^\w]+/g, '-')}.${input.format}`;
        images.push({ nodeId, artifact: await context.saveArtifact(name, bytes, format.contentType) });
        context.heartbeat({ downloaded: images.length, of: input.ids.length });
      }
      return { images, failed };
    },
  }),
};
