import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { ConfluenceClient } from './client.js';
import { contentId } from './pages.js';

const operation = defineOperation<ConfluenceClient>();

interface AttachmentV1 {
  id: string;
  title: string;
  extensions?: { mediaType?: string; fileSize?: number };
  _links?: { download?: string };
}

/**
 * REST v2 has no upload (its attachment endpoints only read and delete), so this is v1's
 * "create or update attachment": a PUT that replaces a file of the same name with a new version
 * instead of failing, which also makes a retried upload harmless.
 */
export const attachmentOperations = {
  attachFile: operation({
    description:
      'Attach a file to a page (Confluence REST v1; v2 has no upload). A file of the same name gets a new version. ' +
      'The content is text, base64, or an artifact an earlier step saved (a screenshot, a report).',
    kind: 'write',
    idempotent: true,
    input: z
      .object({
        pageId: contentId,
        fileName: z.string().min(1).max(255),
        contentType: z.string().min(1).default('application/octet-stream'),
        text: z.string().optional(),
        base64: z.base64().optional(),
        /** An artifact of this tenant, by the path its ArtifactRef gives. */
        artifactPath: z.string().min(1).optional(),
        comment: z.string().max(255).optional(),
      })
      .refine(
        (input) => [input.text, input.base64, input.artifactPath].filter((v) => v !== undefined).length === 1,
        'give exactly one of text, base64 or artifactPath',
      ),
    output: z.object({
      attachmentId: z.string(),
      title: z.string(),
      mediaType: z.string().optional(),
      fileSize: z.number().optional(),
      downloadUrl: z.string().optional(),
    }),
    run: async ({ client, artifactPath }, input) => {
      const bytes =
        input.text !== undefined
          ? Buffer.from(input.text, 'utf8')
          : input.base64 !== undefined
            ? Buffer.from(input.base64, 'base64')
            : await readFile(artifactPath({ path: input.artifactPath ?? '' }));
      const form = new FormData();
      form.append('file', new Blob([bytes], { type: input.contentType }), input.fileName);
      form.append('minorEdit', 'true');
      if (input.comment) form.append('comment', input.comment);
      const answer = await client.upload<{ results?: AttachmentV1[] }>(
        `/content/${input.pageId}/child/attachment`,
        form,
      );
      const attachment = answer.results?.[0];
      if (!attachment) throw new Error('Confluence accepted the upload but returned no attachment');
      return {
        attachmentId: attachment.id,
        title: attachment.title,
        ...(attachment.extensions?.mediaType ? { mediaType: attachment.extensions.mediaType } : {}),
        ...(attachment.extensions?.fileSize !== undefined
          ? { fileSize: attachment.extensions.fileSize }
          : {}),
        ...(attachment._links?.download
          ? { downloadUrl: `${client.wikiUrl}${attachment._links.download}` }
          : {}),
      };
    },
  }),
};
