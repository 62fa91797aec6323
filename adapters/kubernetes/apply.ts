import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { KubernetesClient } from './client.js';
import { objectSummary, targetNamespace } from './schemas.js';
import { kubernetesSdk } from './sdk.js';
import { summarize } from './views.js';

const operation = defineOperation<KubernetesClient>();

/** The field manager of every apply: the server records which fields SomaGent owns under this name. */
export const FIELD_MANAGER = 'somagent';

/** Enough for a release's worth of objects; each is one request. */
const MAX_OBJECTS = 200;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A document's objects: itself, or the items of a `kind: List` or a JSON array. */
function objectsIn(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(objectsIn);
  if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items))
    return value.items.flatMap(objectsIn);
  return [value];
}

/**
 * Kubernetes objects from one or more YAML documents (`---`) or JSON, checked for what the
 * client needs before anything is sent: apiVersion, kind and metadata.name.
 */
export function parseManifests(text: string): KubernetesObject[] {
  // YAML 1.2 (unlike js-yaml's default) keeps `2024-01-01` and `yes` as the strings kubectl sees.
  const documents = parseAllDocuments(text, { prettyErrors: false });
  const values: unknown[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      // Only the line: parser messages can quote the text, and a Secret's text holds its values.
      const line = text.slice(0, error.pos[0]).split('\n').length;
      throw new ToolError(
        'invalid_input',
        `the manifests are not valid YAML or JSON (line ${line}: ${error.code})`,
      );
    }
    values.push(...objectsIn(document.toJS()));
  }
  if (values.length === 0) throw new ToolError('invalid_input', 'the manifests hold no objects');
  if (values.length > MAX_OBJECTS)
    throw new ToolError('invalid_input', `at most ${MAX_OBJECTS} objects per call`);
  return values.map((value, index) => {
    const metadata = isRecord(value) ? value.metadata : undefined;
    if (
      !isRecord(value) ||
      typeof value.apiVersion !== 'string' ||
      typeof value.kind !== 'string' ||
      !isRecord(metadata) ||
      typeof metadata.name !== 'string'
    ) {
      throw new ToolError('invalid_input', `object ${index + 1} needs apiVersion, kind and metadata.name`);
    }
    return value as KubernetesObject;
  });
}

const describeObject = (object: KubernetesObject) =>
  `${object.kind}/${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? ''}`;

/**
 * Server-side applies the objects in order (field manager `somagent`, force: SomaGent takes over
 * fields another manager set, as a deploy tool must). Applying the same objects again changes
 * nothing; fields SomaGent applied before and no longer sends are removed.
 */
export async function applyObjects(
  client: KubernetesClient,
  objects: KubernetesObject[],
  options: { namespace?: string | undefined; heartbeat?(details: unknown): void },
): Promise<KubernetesObject[]> {
  const { PatchStrategy } = await kubernetesSdk();
  const applied: KubernetesObject[] = [];
  for (const object of objects) {
    const apiVersion = object.apiVersion ?? 'v1';
    const kind = object.kind ?? '';
    const metadata = object.metadata ?? {};
    try {
      if (await client.objects.isNamespaced(apiVersion, kind)) {
        if (metadata.namespace && options.namespace && metadata.namespace !== options.namespace) {
          throw new ToolError(
            'invalid_input',
            `it names namespace ${metadata.namespace}, the call names ${options.namespace}`,
          );
        }
        metadata.namespace ??= options.namespace ?? client.defaultNamespace;
      } else {
        delete metadata.namespace;
      }
      const result = await client.objects.patch(
        { ...object, apiVersion, metadata },
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
      applied.push(result);
      options.heartbeat?.({ applied: applied.length, of: objects.length });
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      const done = applied.length ? ` (${applied.length} applied before it; applying all again is safe)` : '';
      throw new ToolError(
        error.category,
        `${describeObject(object)}: ${error.message}${done}`,
        error.details,
      );
    }
  }
  return applied;
}

/** Applies one object and returns it as the server stored it. */
export async function applyObject<T extends KubernetesObject>(
  client: KubernetesClient,
  object: T,
  options: { namespace?: string | undefined; heartbeat?(details: unknown): void },
): Promise<T> {
  const [applied] = await applyObjects(client, [object], options);
  if (!applied) throw new ToolError('transient', `the server returned nothing for ${describeObject(object)}`);
  return applied as T;
}

export const applyOperations = {
  applyManifests: operation({
    description:
      'Server-side apply (field manager "somagent", force) of one or more YAML documents or JSON: create or ' +
      'update each object in order. Idempotent: applying the same manifests again changes nothing. ' +
      'Returns names, uids and versions of the objects, never their contents.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      manifests: z.string().min(1).max(1_000_000).describe('YAML documents separated by ---, or JSON'),
      namespace: targetNamespace.describe(
        'namespace for namespaced objects that name none; default: the kubeconfig context namespace, else "default"',
      ),
    }),
    output: z.object({ objects: z.array(objectSummary) }),
    run: async ({ client, heartbeat }, input) => ({
      objects: (
        await applyObjects(client, parseManifests(input.manifests), { namespace: input.namespace, heartbeat })
      ).map(summarize),
    }),
  }),
};
