/** EC2 answers 400 for most errors; its error codes say what they mean. */
export function classifyEc2Error(error: unknown) {
  const name = (error as { name?: string; Code?: string })?.name ?? '';
  if (/NotFound/.test(name)) return 'not_found' as const;
  if (/^(AuthFailure|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClientException)$/.test(name))
    return 'auth' as const;
  if (/^(UnauthorizedOperation|AccessDenied)/.test(name)) return 'permission' as const;
  if (/Duplicate|AlreadyExists|DependencyViolation|IncorrectInstanceState|IncorrectState/.test(name))
    return 'conflict' as const;
  if (/^(RequestLimitExceeded|Throttling|ThrottlingException)$/.test(name)) return 'rate_limited' as const;
  if (/^(InsufficientInstanceCapacity|ServiceUnavailable|InternalError|Unavailable)$/.test(name))
    return 'transient' as const;
  return undefined;
}
