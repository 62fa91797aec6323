import type { ErrorCategory } from '../core/errors.js';
import { playwrightSdk } from './sdk.js';

// Chromium's net errors that say the server could not be reached right now: worth a retry.
const unreachable =
  /net::ERR_(NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|CONNECTION_(REFUSED|RESET|CLOSED|ABORTED|FAILED|TIMED_OUT)|ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED|NETWORK_CHANGED|NETWORK_IO_SUSPENDED|TIMED_OUT|EMPTY_RESPONSE|TUNNEL_CONNECTION_FAILED|PROXY_CONNECTION_FAILED|SOCKET_NOT_CONNECTED)\b/;

// Net errors that the same URL will produce again: a bad certificate, a blocked port, a redirect loop.
const permanent =
  /net::ERR_(UNSAFE_PORT|INVALID_URL|DISALLOWED_URL_SCHEME|UNKNOWN_URL_SCHEME|CERT_[A-Z_]+|BAD_SSL_CLIENT_AUTH_CERT|SSL_VERSION_OR_CIPHER_MISMATCH|TOO_MANY_REDIRECTS|INVALID_REDIRECT|BLOCKED_BY_[A-Z_]+|INVALID_RESPONSE|UNSAFE_REDIRECT|FILE_NOT_FOUND)\b/;

// Mistakes in the call itself: a selector that does not parse or matches several elements, an option the element lacks.
const badCall =
  /strict mode violation|Unexpected token|is not a valid selector|Unknown engine|Element is not an? (<select>|<input>|checkbox|radio)|Not a checkbox or radio button|Cannot type text into input\[type=|Error: Malformed value|Invalid URL/i;

/**
 * What a Playwright failure means for a retry. Timeouts and unreachable servers are transient
 * (the page may be slow or down for a moment); certificates, blocked ports and broken selectors
 * will fail the same way again. Anything else is left to the shared rule (transient).
 */
export function classifyPlaywrightError(error: unknown): ErrorCategory | undefined {
  // Loaded when Chromium was launched, before any call could fail (see core/lazy.ts).
  const TimeoutError = playwrightSdk.loaded()?.errors.TimeoutError;
  if (TimeoutError && error instanceof TimeoutError) return 'transient';
  const message = error instanceof Error ? error.message : String(error);
  if (unreachable.test(message)) return 'transient';
  if (permanent.test(message)) return 'invalid_input';
  if (badCall.test(message)) return 'invalid_input';
  return undefined;
}
