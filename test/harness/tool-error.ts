import { ToolError } from '../../adapters/core/errors.js';

/** The ToolError a call fails with; anything else (or success) fails the test. */
export async function toolErrorOf(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
