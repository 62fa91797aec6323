import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { figma, fileKey, type FigmaClient } from './client.js';

const operation = defineOperation<FigmaClient>();

interface PublishedComponent {
  key: string;
  name: string;
  description: string;
  node_id: string;
  thumbnail_url?: string;
  updated_at: string;
  containing_frame?: { name?: string; pageName: string };
}

interface PublishedStyle {
  key: string;
  name: string;
  description: string;
  node_id: string;
  style_type: string;
  updated_at: string;
}

export const libraryOperations = {
  listComponents: operation({
    description: "List a library file's published components (key, name, description, node and page).",
    kind: 'read',
    idempotent: true,
    input: z.object({ fileKey }),
    output: z.object({
      components: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          description: z.string(),
          nodeId: z.string(),
          thumbnailUrl: z.string().nullable(),
          frameName: z.string().nullable(),
          pageName: z.string().nullable(),
          updatedAt: z.string(),
        }),
      ),
    }),
    run: async ({ client, signal }, input) => {
      const answer = await figma<{ meta: { components: PublishedComponent[] } }>(
        client,
        'GET',
        `/v1/files/${input.fileKey}/components`,
        { signal },
      );
      return {
        components: answer.meta.components.map((component) => ({
          key: component.key,
          name: component.name,
          description: component.description,
          nodeId: component.node_id,
          thumbnailUrl: component.thumbnail_url ?? null,
          frameName: component.containing_frame?.name ?? null,
          pageName: component.containing_frame?.pageName ?? null,
          updatedAt: component.updated_at,
        })),
      };
    },
  }),
  listStyles: operation({
    description: "List a library file's published styles (colour FILL, TEXT, EFFECT, GRID) with their keys.",
    kind: 'read',
    idempotent: true,
    input: z.object({ fileKey }),
    output: z.object({
      styles: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          styleType: z.string(),
          description: z.string(),
          nodeId: z.string(),
          updatedAt: z.string(),
        }),
      ),
    }),
    run: async ({ client, signal }, input) => {
      const answer = await figma<{ meta: { styles: PublishedStyle[] } }>(
        client,
        'GET',
        `/v1/files/${input.fileKey}/styles`,
        {
          signal,
        },
      );
      return {
        styles: answer.meta.styles.map((style) => ({
          key: style.key,
          name: style.name,
          styleType: style.style_type,
          description: style.description,
          nodeId: style.node_id,
          updatedAt: style.updated_at,
        })),
      };
    },
  }),
};
