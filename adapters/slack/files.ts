import { readFile } from 'node:fs/promises';
import type { FilesUploadV2Arguments, WebClient } from '@slack/web-api';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { platformErrorCode, slackCall, slackToolError } from './client.js';
import { channelId, messageTs } from './schemas.js';

const operation = defineOperation<WebClient>();

/** Slack's limit for one uploaded file. */
const MAX_FILE_BYTES = 1024 ** 3;

async function readArtifact(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    // A missing artifact stays missing; retrying the upload cannot help.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ToolError('not_found', 'the artifact does not exist');
    throw error;
  }
}

const uploadInput = z
  .object({
    channel: channelId,
    filename: z.string().min(1).max(255),
    /** The file as text (reports, logs, CSV). */
    content: z.string().optional(),
    /** The file as base64 (images, archives). */
    contentBase64: z.base64().optional(),
    /** A file another operation saved (a Playwright screenshot, a Terraform plan). */
    artifact: z.object({ path: z.string().min(1) }).optional(),
    title: z.string().max(255).optional(),
    initialComment: z.string().max(4000).optional(),
    threadTs: messageTs.optional(),
  })
  .refine(
    (input) =>
      [input.content, input.contentBase64, input.artifact].filter((value) => value !== undefined).length ===
      1,
    'give exactly one of content, contentBase64 or artifact',
  );

/** Files: upload (text, base64 or a saved artifact) and delete. */
export const fileOperations = {
  uploadFile: operation({
    description:
      'Upload a file and share it in a channel (files.uploadV2: files.getUploadURLExternal, the upload, files.completeUploadExternal).',
    kind: 'write',
    idempotent: false,
    input: uploadInput,
    output: z.object({ fileId: z.string(), channel: z.string(), title: z.string().optional() }),
    compensate: { operation: 'deleteFile', input: (_input, output) => ({ fileId: output.fileId }) },
    run: async ({ client, artifactPath, heartbeat }, input) => {
      const data =
        input.content !== undefined
          ? Buffer.from(input.content, 'utf8')
          : input.contentBase64 !== undefined
            ? Buffer.from(input.contentBase64, 'base64')
            : await readArtifact(artifactPath(input.artifact ?? { path: '' }));
      if (data.byteLength === 0) throw new ToolError('invalid_input', 'Slack does not take empty files');
      if (data.byteLength > MAX_FILE_BYTES)
        throw new ToolError('invalid_input', 'Slack takes files up to 1 GB');
      heartbeat({ uploading: input.filename, bytes: data.byteLength });
      // files.upload, the one upload method in the 2021 spec, was retired on 2025-11-12; this is its successor.
      const result = await slackCall(
        client.filesUploadV2({
          channel_id: input.channel,
          file: data,
          filename: input.filename,
          ...(input.title ? { title: input.title } : {}),
          ...(input.initialComment ? { initial_comment: input.initialComment } : {}),
          ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
        } as FilesUploadV2Arguments),
      );
      const completed = (result as { files?: { files?: { id?: string; title?: string }[] }[] }).files?.[0]
        ?.files?.[0];
      if (!completed?.id)
        throw new ToolError('transient', 'Slack completed the upload without naming the file');
      return {
        fileId: completed.id,
        channel: input.channel,
        ...(completed.title ? { title: completed.title } : {}),
      };
    },
  }),
  deleteFile: operation({
    description:
      'Delete a file (files.delete; the compensation of uploadFile). A file already gone is not an error.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ fileId: z.string().regex(/^F[A-Z0-9]{8,}$/, 'must be a Slack file id (F…)') }),
    output: z.object({ fileId: z.string(), deleted: z.literal(true) }),
    run: async ({ client }, input) => {
      try {
        await client.files.delete({ file: input.fileId });
      } catch (error) {
        const code = platformErrorCode(error);
        if (code !== 'file_not_found' && code !== 'file_deleted') throw slackToolError(error) ?? error;
      }
      return { fileId: input.fileId, deleted: true as const };
    },
  }),
};
