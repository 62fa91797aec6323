import { ApplicationFailure } from '@temporalio/common';
import { ToolError } from './errors.js';

/**
 * The activity boundary: a ToolError becomes an ApplicationFailure whose type is the category,
 * non-retryable where retrying cannot help, with Retry-After as the next retry delay.
 */
export function toApplicationFailure(error: ToolError): ApplicationFailure {
  return ApplicationFailure.create({
    message: error.message,
    type: `ToolError.${error.category}`,
    nonRetryable: !error.retryable,
    details: [
      {
        category: error.category,
        tool: error.details.tool,
        operation: error.details.operation,
        status: error.details.status,
      },
    ],
    ...(error.details.retryAfterMs !== undefined ? { nextRetryDelay: error.details.retryAfterMs } : {}),
  });
}

export function isToolError(error: unknown): error is ToolError {
  return error instanceof ToolError;
}
