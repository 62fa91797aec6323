import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const redactPaths = [
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.key',
];

export function createLogger(level: string, name = 'somagent'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } });
}
