import { z } from 'zod';

/** One ADF node; attributes and marks are kept as the caller wrote them. */
const adfNode = z.looseObject({ type: z.string().min(1) });

/** An Atlassian Document Format document, the rich text Jira Cloud's v3 API takes. */
export const adfDocument = z.object({
  type: z.literal('doc'),
  version: z.literal(1),
  content: z.array(adfNode),
});
export type AdfDocument = z.output<typeof adfDocument>;

/** Rich text as callers give it: plain text (turned into ADF) or an ADF document. */
export const richText = z.union([z.string().min(1).max(32_000), adfDocument]);

/**
 * Plain text as ADF: blank lines separate paragraphs and single newlines become hard breaks,
 * which is how Jira's own editor stores typed text. ADF forbids empty text nodes.
 */
export function textToAdf(text: string): AdfDocument {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.split('\n'))
    .filter((lines) => lines.some((line) => line.length > 0));
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((lines) => ({
      type: 'paragraph',
      content: lines.flatMap((line, index) => [
        ...(index > 0 ? [{ type: 'hardBreak' }] : []),
        ...(line.length > 0 ? [{ type: 'text', text: line }] : []),
      ]),
    })),
  };
}

/** The ADF of a rich-text input. */
export function toAdf(value: z.output<typeof richText>): AdfDocument {
  return typeof value === 'string' ? textToAdf(value) : value;
}
