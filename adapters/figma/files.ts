import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { figma, fileKey, nodeIds, type FigmaClient } from './client.js';
import { flattenTree, nodeSummary, type FigmaNode } from './node-summary.js';

const operation = defineOperation<FigmaClient>();

const maxNodes = z.number().int().min(1).max(5000).default(500);

interface FileResponse {
  name: string;
  role: string;
  lastModified: string;
  editorType: string;
  thumbnailUrl?: string;
  version: string;
  document: FigmaNode;
  components: Record<string, unknown>;
  styles: Record<string, unknown>;
}

interface NodesResponse {
  name: string;
  lastModified: string;
  version: string;
  nodes: Record<string, { document: FigmaNode } | null>;
}

export const fileOperations = {
  getFile: operation({
    description:
      'Summarise a file: name, version, and its document tree as a flat node list (pages at depth 1, their ' +
      'top-level frames at depth 2 by default), with component and style counts.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      fileKey,
      /** How deep Figma walks the tree: 1 returns pages only, 2 pages and their top-level frames. */
      depth: z.number().int().min(1).max(20).default(2),
      maxNodes,
    }),
    output: z.object({
      name: z.string(),
      version: z.string(),
      lastModified: z.string(),
      editorType: z.string(),
      role: z.string(),
      thumbnailUrl: z.string().nullable(),
      nodes: z.array(nodeSummary),
      truncated: z.boolean(),
      componentCount: z.number().int(),
      styleCount: z.number().int(),
    }),
    run: async ({ client, signal }, input) => {
      const file = await figma<FileResponse>(client, 'GET', `/v1/files/${input.fileKey}`, {
        query: { depth: input.depth },
        signal,
      });
      const { nodes, truncated } = flattenTree(file.document, input.maxNodes);
      return {
        name: file.name,
        version: file.version,
        lastModified: file.lastModified,
        editorType: file.editorType,
        role: file.role,
        thumbnailUrl: file.thumbnailUrl ?? null,
        nodes,
        truncated,
        componentCount: Object.keys(file.components).length,
        styleCount: Object.keys(file.styles).length,
      };
    },
  }),
  getNodes: operation({
    description:
      'Read nodes by id (1:2, or the 1-2 of a Figma URL), each with its subtree as a flat list; ids the file ' +
      'does not have come back in missing.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      fileKey,
      ids: nodeIds,
      /** Levels below each node; all when omitted. */
      depth: z.number().int().min(1).max(20).optional(),
      maxNodes,
    }),
    output: z.object({
      version: z.string(),
      nodes: z.array(z.object({ id: z.string(), nodes: z.array(nodeSummary), truncated: z.boolean() })),
      missing: z.array(z.string()),
    }),
    run: async ({ client, signal }, input) => {
      const answer = await figma<NodesResponse>(client, 'GET', `/v1/files/${input.fileKey}/nodes`, {
        query: { ids: input.ids.join(','), depth: input.depth },
        signal,
      });
      const nodes = [];
      const missing = [];
      for (const id of input.ids) {
        const entry = answer.nodes[id];
        if (!entry) missing.push(id);
        else nodes.push({ id, ...flattenTree(entry.document, input.maxNodes) });
      }
      return { version: answer.version, nodes, missing };
    },
  }),
};
