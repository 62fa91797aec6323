import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * A pipeline policy that sends every request with the given api-version. arm-compute hard-codes
 * its version per operation and ignores a client-level one; arm-resources rewrites the query the
 * same way when given `apiVersion`.
 */
export function pinApiVersion(apiVersion: string): PipelinePolicy {
  return {
    name: `pinApiVersion(${apiVersion})`,
    sendRequest(request, next) {
      // A string edit, so the rest of the query keeps the SDK's own encoding.
      request.url = request.url.replace(/([?&]api-version=)[^&#]*/, `$1${apiVersion}`);
      return next(request);
    },
  };
}
