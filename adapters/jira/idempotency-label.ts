import { createHash } from 'node:crypto';
import type { JiraClient } from './client.js';
import { searchAll } from './search.js';

/**
 * Jira takes no idempotency key, so SomaGent labels what it creates with a hash of the key and
 * finds it again with JQL. A label, not an entity property: JQL can search entity properties only
 * when an app indexes them, labels always. Labels cannot hold spaces; a hex hash never does.
 * A project whose create screen lacks the Labels field refuses such a create (400, invalid_input
 * naming `labels`); that screen needs the field.
 */
export function idempotencyLabel(idempotencyKey: string): string {
  return `somagent-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
}

/**
 * The issues an earlier attempt created under this key, oldest first. Jira's search index lags
 * writes by a moment; recover runs on a retry, seconds after the crash, when it has caught up.
 */
export async function findLabelled(client: JiraClient, idempotencyKey: string) {
  const { issues } = await searchAll(client, {
    jql: `labels = "${idempotencyLabel(idempotencyKey)}" ORDER BY created ASC`,
    fields: ['summary', 'status', 'issuetype', 'labels', 'parent'],
    pageSize: 50,
    maxIssues: 50,
  });
  return issues;
}
