import type { BlockObjectRequest } from '@notionhq/client';
import { z } from 'zod';

/** Notion takes at most this many blocks in one request, and 2000 characters in one text object. */
export const MAX_BLOCKS_PER_REQUEST = 100;
const MAX_TEXT_CHARS = 2000;

const textBlockTypes = [
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'bulleted_list_item',
  'numbered_list_item',
  'quote',
  'to_do',
  'code',
] as const;

/**
 * A block as workflows write it: a type and its text. Richer blocks (tables, embeds, rich
 * annotations) are left to later; these cover reports, notes and checklists.
 */
export const blockInput = z.union([
  z.object({
    type: z.enum(textBlockTypes),
    text: z.string().max(20_000),
    /** to_do only. */
    checked: z.boolean().optional(),
    /** code only, e.g. "typescript", "shell"; Notion's default is "plain text". */
    language: z.string().optional(),
  }),
  z.object({ type: z.literal('divider') }),
]);
export type BlockInput = z.output<typeof blockInput>;

/**
 * Plain text as Notion rich text, split at Notion's 2000-character limit. Only `type` and
 * `text.content` are sent: the shape every version of the API takes for plain text.
 */
export function richText(text: string): { type: 'text'; text: { content: string } }[] {
  const parts: { type: 'text'; text: { content: string } }[] = [];
  for (let at = 0; at < text.length; at += MAX_TEXT_CHARS) {
    parts.push({ type: 'text', text: { content: text.slice(at, at + MAX_TEXT_CHARS) } });
  }
  return parts;
}

/** A block in the request shape of Notion's API (without `object: 'block'`, which it does not need). */
export function toNotionBlock(block: BlockInput): BlockObjectRequest {
  if (block.type === 'divider') return { type: 'divider', divider: {} } as BlockObjectRequest;
  const body: Record<string, unknown> = { rich_text: richText(block.text) };
  if (block.type === 'to_do') body.checked = block.checked ?? false;
  if (block.type === 'code') body.language = block.language ?? 'plain text';
  return { type: block.type, [block.type]: body } as unknown as BlockObjectRequest;
}

/** Groups of at most `size`, in order. */
export function chunks<T>(items: T[], size = MAX_BLOCKS_PER_REQUEST): T[][] {
  const groups: T[][] = [];
  for (let at = 0; at < items.length; at += size) groups.push(items.slice(at, at + size));
  return groups;
}

/** The plain text of Notion rich text as it answers it. */
export function plainText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  return value
    .map(
      (part: { plain_text?: string; text?: { content?: string } }) =>
        part.plain_text ?? part.text?.content ?? '',
    )
    .join('');
}

/** A block as operations return it. */
export const blockView = z.object({
  id: z.string(),
  type: z.string(),
  text: z.string().optional(),
  checked: z.boolean().optional(),
  hasChildren: z.boolean(),
});

/** A block as Notion answers it, reduced to what a workflow reads. */
export function viewBlock(block: Record<string, unknown>): z.input<typeof blockView> {
  const type = String(block.type ?? 'unsupported');
  const body = (block[type] ?? {}) as { rich_text?: unknown; checked?: boolean; title?: string };
  const text = body.rich_text !== undefined ? plainText(body.rich_text) : body.title;
  return {
    id: String(block.id ?? ''),
    type,
    ...(text === undefined ? {} : { text }),
    ...(typeof body.checked === 'boolean' ? { checked: body.checked } : {}),
    hasChildren: block.has_children === true,
  };
}
