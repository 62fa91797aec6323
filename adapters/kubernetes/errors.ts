import { ToolError, categoryOfStatus, parseRetryAfter, type ErrorCategory } from '../core/errors.js';

/** The parts of a Kubernetes `Status` body (every API error answer) that say what went wrong. */
interface KubernetesStatus {
  kind?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[]; retryAfterSeconds?: number };
}

function parseStatus(body: string): KubernetesStatus | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' && (parsed as KubernetesStatus).kind === 'Status'
      ? (parsed as KubernetesStatus)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An API server's error answer as a ToolError: 401 auth, 403 permission, 404/410 not_found,
 * 409 conflict (AlreadyExists, apply conflicts), 422 invalid_input (Invalid), 429 rate_limited
 * with Retry-After, 5xx transient. A 403 because the namespace is being deleted is a conflict:
 * the credentials are fine, the namespace is going away.
 */
export function kubernetesStatusError(
  status: number,
  headers: Record<string, string>,
  body: string,
): ToolError {
  const parsed = parseStatus(body);
  const reason = parsed?.reason ? ` ${parsed.reason}` : '';
  const text = parsed?.message ?? body.slice(0, 300);
  let category: ErrorCategory = categoryOfStatus(status);
  const terminating =
    parsed?.details?.causes?.some((cause) => cause.reason === 'NamespaceTerminating') ||
    /because it is being terminated/.test(text);
  if (status === 403 && terminating) category = 'conflict';
  const retryAfterSeconds = parsed?.details?.retryAfterSeconds;
  const retryAfterMs =
    parseRetryAfter(headers['retry-after']) ?? (retryAfterSeconds ? retryAfterSeconds * 1000 : undefined);
  return new ToolError(category, `Kubernetes API ${status}${reason}: ${text.slice(0, 2000)}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Node's codes for a server certificate that the configured CA does not vouch for. */
const untrustedCertificate =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|CERT_SIGNATURE_FAILURE)$/;

/**
 * Failures that never reached an answer from the API server, where the shared rule (transient)
 * would retry in vain: a certificate the CA does not trust is a credentials problem (set
 * KUBERNETES_CA_DATA), and a kind the server does not serve is a mistake in the call.
 */
export function classifyKubernetesError(error: unknown): ErrorCategory | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && untrustedCertificate.test(code)) return 'auth';
  const text = typeof message === 'string' ? message : '';
  if (/certificate/i.test(text) && /self[- ]signed|unable to verify|not trusted/i.test(text)) return 'auth';
  if (/^Unrecognized API version and kind|^Required (spec )?(property|parameter)/.test(text))
    return 'invalid_input';
  return undefined;
}
