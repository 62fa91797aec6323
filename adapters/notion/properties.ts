import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import { plainText, richText } from './blocks.js';

/**
 * A property value as workflows write it: text, a number, a flag, a list of names or ids, or a
 * date; `null` clears it. An object is taken as Notion's own property value shape, as is.
 */
export const propertyValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.string()),
  z.record(z.string(), z.unknown()),
]);
export type PropertyValue = z.output<typeof propertyValue>;

/** The type of each property of a data source, by name, as Notion describes its schema. */
export type PropertyTypes = Record<string, string>;

const list = (value: PropertyValue): string[] =>
  Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : [];

/** One simple value in the request shape of its property's type. */
function toNotionValue(name: string, type: string, value: PropertyValue): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  const wrong = () =>
    new ToolError('invalid_input', `property "${name}" is ${type}; ${JSON.stringify(value)} does not fit it`);
  switch (type) {
    case 'title':
    case 'rich_text':
      return { [type]: value === null ? [] : richText(String(value)) };
    case 'number':
      if (value !== null && typeof value !== 'number') throw wrong();
      return { number: value };
    case 'checkbox':
      if (typeof value !== 'boolean') throw wrong();
      return { checkbox: value };
    case 'select':
    case 'status':
      if (value !== null && typeof value !== 'string') throw wrong();
      return { [type]: value === null ? null : { name: value } };
    case 'multi_select':
      return { multi_select: list(value ?? []).map((option) => ({ name: option })) };
    case 'date':
      if (value !== null && typeof value !== 'string') throw wrong();
      return { date: value === null ? null : { start: value } };
    case 'url':
    case 'email':
    case 'phone_number':
      if (value !== null && typeof value !== 'string') throw wrong();
      return { [type]: value };
    case 'people':
    case 'relation':
      return { [type]: list(value ?? []).map((id) => ({ id })) };
    default:
      throw new ToolError(
        'invalid_input',
        `property "${name}" is ${type}, which takes Notion's own value object here, not ${JSON.stringify(value)}`,
      );
  }
}

/** Simple values as Notion property values, checked against the data source's schema. */
export function toNotionProperties(
  values: Record<string, PropertyValue>,
  types: PropertyTypes,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = types[name];
    if (!type) {
      throw new ToolError(
        'invalid_input',
        `the database has no property "${name}"; it has: ${Object.keys(types).join(', ') || 'none'}`,
      );
    }
    out[name] = toNotionValue(name, type, value);
  }
  return out;
}

/** A property value as Notion answers it, reduced to a plain JSON value. */
export function simplifyValue(property: Record<string, unknown>): unknown {
  const type = String(property.type ?? '');
  const value = property[type] as
    Record<string, unknown> | unknown[] | string | number | boolean | null | undefined;
  switch (type) {
    case 'title':
    case 'rich_text':
      return plainText(value);
    case 'select':
    case 'status':
      return (value as { name?: string } | null)?.name ?? null;
    case 'multi_select':
      return ((value as { name?: string }[] | undefined) ?? []).map((option) => option.name ?? '');
    case 'people':
    case 'relation':
      return ((value as { id?: string }[] | undefined) ?? []).map((item) => item.id ?? '');
    case 'date': {
      const date = value as { start?: string; end?: string | null } | null;
      return date?.end ? { start: date.start, end: date.end } : (date?.start ?? null);
    }
    case 'formula': {
      const formula = value as Record<string, unknown> | undefined;
      return formula ? (formula[String(formula.type)] ?? null) : null;
    }
    case 'unique_id': {
      const id = value as { prefix?: string | null; number?: number } | undefined;
      return id ? `${id.prefix ? `${id.prefix}-` : ''}${id.number ?? ''}` : null;
    }
    default:
      return value ?? null;
  }
}

/** Every property value of a page, reduced to plain JSON values by name. */
export function simplifyProperties(properties: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, property]) => [
      name,
      simplifyValue(property),
    ]),
  );
}

/** The name of the title property: every page in a data source has exactly one. */
export function titleProperty(types: PropertyTypes): string {
  const name = Object.entries(types).find(([, type]) => type === 'title')?.[0];
  if (!name) throw new ToolError('invalid_input', 'the data source has no title property');
  return name;
}

// Notion's API cannot create status columns (its documented limitation), so they are not offered.
const schemaTypes = [
  'title',
  'rich_text',
  'number',
  'select',
  'multi_select',
  'date',
  'checkbox',
  'url',
  'email',
  'phone_number',
  'people',
  'files',
  'created_time',
  'last_edited_time',
] as const;

/** A column of a new database: its type, and the options of a select or multi-select. */
export const propertySchema = z.union([
  z.enum(schemaTypes),
  z.object({ type: z.enum(['select', 'multi_select']), options: z.array(z.string().min(1)).min(1) }),
  z.object({ type: z.enum(schemaTypes) }),
]);
export type PropertySchema = z.output<typeof propertySchema>;

/** Columns as Notion's property schema objects (`{Status: {select: {options: [{name}]}}}`). */
export function toNotionSchema(columns: Record<string, PropertySchema>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(columns).map(([name, column]) => {
      const type = typeof column === 'string' ? column : column.type;
      const options = typeof column === 'object' && 'options' in column ? column.options : undefined;
      return [name, { [type]: options ? { options: options.map((option) => ({ name: option })) } : {} }];
    }),
  );
}
