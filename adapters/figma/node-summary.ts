import { z } from 'zod';

/** The part of a Figma node the summaries read; the API's nodes carry far more. */
export interface FigmaNode {
  id: string;
  name: string;
  type: string;
  children?: FigmaNode[];
  absoluteBoundingBox?: { x: number; y: number; width: number; height: number } | null;
  characters?: string;
}

/** One node of a flattened tree. */
export const nodeSummary = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  /** 0 for the node asked for (or the document), 1 for its children, ... */
  depth: z.number().int(),
  parentId: z.string().nullable(),
  childCount: z.number().int(),
  bounds: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable(),
  /** The text of a TEXT node, cut at 500 characters. */
  text: z.string().optional(),
});
export type NodeSummary = z.output<typeof nodeSummary>;

/**
 * A node tree as a flat list in document order, at most `maxNodes` long: a list is easier for a
 * plan step to scan than a recursive tree, and the cap keeps a large file out of Temporal's
 * payload limit (the caller says when it was cut).
 */
export function flattenTree(root: FigmaNode, maxNodes: number): { nodes: NodeSummary[]; truncated: boolean } {
  const nodes: NodeSummary[] = [];
  const stack: { node: FigmaNode; depth: number; parentId: string | null }[] = [
    { node: root, depth: 0, parentId: null },
  ];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next) break;
    if (nodes.length >= maxNodes) return { nodes, truncated: true };
    const { node, depth, parentId } = next;
    const children = node.children ?? [];
    nodes.push({
      id: node.id,
      name: node.name,
      type: node.type,
      depth,
      parentId,
      childCount: children.length,
      bounds: node.absoluteBoundingBox ?? null,
      ...(node.type === 'TEXT' && typeof node.characters === 'string'
        ? { text: node.characters.slice(0, 500) }
        : {}),
    });
    for (let index = children.length - 1; index >= 0; index--) {
      const child = children[index];
      if (child) stack.push({ node: child, depth: depth + 1, parentId: node.id });
    }
  }
  return { nodes, truncated: false };
}
