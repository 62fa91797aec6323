import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every SomaGent workflow carries, so operators can filter runs in the
 * Web UI (`SomagentTenant = "acme" AND SomagentStatus = "running"`). Shared by the dev-server
 * launcher, the client that starts workflows and the workflows that keep them current.
 */
export const searchAttributes = {
  tenant: defineSearchAttributeKey('SomagentTenant', SearchAttributeType.KEYWORD),
  kind: defineSearchAttributeKey('SomagentKind', SearchAttributeType.KEYWORD),
  projectId: defineSearchAttributeKey('SomagentProjectId', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('SomagentStatus', SearchAttributeType.KEYWORD),
  capsule: defineSearchAttributeKey('SomagentCapsule', SearchAttributeType.KEYWORD),
} as const;

/** `Name=Type` pairs in the form `temporal server start-dev --search-attribute` takes. */
export function searchAttributeFlags(): string[] {
  return Object.values(searchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
}
