import jsonata from 'jsonata';

/** What `${{ ... }}` expressions can read while a project runs. */
export interface ExpressionScope {
  inputs: Record<string, unknown>;
  steps: Record<string, { output?: unknown; status: string }>;
  tools: Record<string, { configured: boolean }>;
  item?: unknown;
}

// One expression and nothing else: `${{ a }}-${{ b }}` is text with two expressions, not one.
const whole = /^\s*\$\{\{((?:(?!\}\})[\s\S])+)\}\}\s*$/;
const embedded = /\$\{\{([\s\S]+?)\}\}/g;

/** Evaluates one JSONata expression (pure: no I/O, no clock), so workflows may call it. */
export async function evaluate(expression: string, scope: ExpressionScope): Promise<unknown> {
  try {
    // JSONata's group-by writes into arrays it reads; a copy keeps stored task outputs intact.
    return await jsonata(expression).evaluate(JSON.parse(JSON.stringify(scope)) as ExpressionScope);
  } catch (error) {
    const message = (error as { message?: string }).message ?? String(error);
    throw new Error(`expression "${expression.trim()}" failed: ${message}`);
  }
}

/**
 * Resolves every `${{ expr }}` inside a value: a string that is one expression takes the
 * expression's value with its type (a list stays a list); expressions inside longer text are
 * turned into text.
 */
export async function resolveTemplates(value: unknown, scope: ExpressionScope): Promise<unknown> {
  if (typeof value === 'string') {
    const single = whole.exec(value);
    if (single?.[1]) return evaluate(single[1], scope);
    if (!value.includes('${{')) return value;
    let result = '';
    let last = 0;
    for (const match of value.matchAll(embedded)) {
      const resolved = await evaluate(match[1] ?? '', scope);
      result +=
        value.slice(last, match.index) +
        (typeof resolved === 'string' ? resolved : JSON.stringify(resolved ?? ''));
      last = (match.index ?? 0) + match[0].length;
    }
    return result + value.slice(last);
  }
  if (Array.isArray(value)) return Promise.all(value.map((element) => resolveTemplates(element, scope)));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value).map(
        async ([key, element]) => [key, await resolveTemplates(element, scope)] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** An `if:` condition: a bare expression or one wrapped in `${{ }}`; JSONata truthiness. */
export async function condition(expression: string, scope: ExpressionScope): Promise<boolean> {
  const inner = whole.exec(expression)?.[1] ?? expression;
  const value = await evaluate(inner, scope);
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
