/** A Linear filter input (`IssueLabelFilter`, `TeamFilter`, ...) as variables carry it. */
export type LinearFilter = Record<string, unknown>;

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * Whether a fake entity passes a Linear filter. Field names are the entity's own (the fake keeps
 * the SDL's names); a field that holds an entity takes a nested filter, and `null` tests it for
 * absence. Comparators the fake does not implement throw, so the server records a violation
 * rather than answering a filter it cannot apply.
 */
export function matchesFilter(entity: unknown, filter: LinearFilter | null | undefined): boolean {
  if (!filter) return true;
  const record = asRecord(entity);
  return Object.entries(filter).every(([key, condition]) => {
    if (condition === undefined || condition === null) return true;
    if (key === 'and') return (condition as LinearFilter[]).every((part) => matchesFilter(entity, part));
    if (key === 'or') return (condition as LinearFilter[]).some((part) => matchesFilter(entity, part));
    return matchesCondition(record[key], asRecord(condition));
  });
}

function matchesCondition(value: unknown, condition: Record<string, unknown>): boolean {
  return Object.entries(condition).every(([op, operand]) => {
    if (operand === undefined || operand === null) return true;
    if (op === 'null') return (value === null || value === undefined) === operand;
    const isEntity = typeof value === 'object' && value !== null && !(value instanceof Date);
    if (isEntity) return matchesFilter(value, { [op]: operand });
    if (value === null || value === undefined) return false;
    return compare(op, value, operand);
  });
}

function compare(op: string, value: unknown, operand: unknown): boolean {
  const text = String(value);
  switch (op) {
    case 'eq':
      return value === operand;
    case 'neq':
      return value !== operand;
    case 'in':
      return (operand as unknown[]).includes(value);
    case 'nin':
      return !(operand as unknown[]).includes(value);
    case 'eqIgnoreCase':
      return text.toLowerCase() === String(operand).toLowerCase();
    case 'neqIgnoreCase':
      return text.toLowerCase() !== String(operand).toLowerCase();
    case 'contains':
      return text.includes(String(operand));
    case 'containsIgnoreCase':
      return text.toLowerCase().includes(String(operand).toLowerCase());
    case 'startsWith':
      return text.startsWith(String(operand));
    default:
      throw new Error(`the Linear fake does not implement the filter comparator "${op}"`);
  }
}
