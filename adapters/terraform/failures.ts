import { ToolError, type ErrorCategory } from '../core/errors.js';

// Another run holds the workspace, or the state moved since the plan was made: re-plan or wait.
const conflict =
  /Error acquiring the state lock|Error locking state|Error releasing the state lock|Saved plan is stale|Saved plan does not match the given state/i;

// Providers that cannot be found, installed, started or that misbehave: fixing them is a setup or configuration change.
const provider =
  /Failed to query available provider packages|Failed to install provider|Could not retrieve the list of available versions|Incompatible provider version|Inconsistent dependency lock file|Required plugins are not installed|Missing required provider|Failed to load plugin schemas|Failed to instantiate provider|Plugin did not respond|Provider produced (inconsistent|invalid)|plugin exited|Invalid provider configuration/i;

// Only failures that say outright the network or a server stumbled; anything else would fail the same way again.
const transient =
  /connection reset by peer|i\/o timeout|TLS handshake timeout|temporary failure in name resolution|502 Bad Gateway|503 Service Unavailable|504 Gateway Time-?out|context deadline exceeded/i;

/** What a failed Terraform run means for a retry, from what the CLI wrote. */
export function categoryOfFailure(output: string): ErrorCategory {
  if (conflict.test(output)) return 'conflict';
  if (provider.test(output)) return 'invalid_input';
  if (transient.test(output)) return 'transient';
  return 'invalid_input';
}

/** How many of the CLI's last lines an error message carries: enough for Terraform's "Error:" block. */
const TAIL_LINES = 20;
const TAIL_CHARS = 2000;

/** The last non-blank lines of a text, bounded, for error messages. */
export function lastLines(text: string, count = TAIL_LINES): string {
  const lines = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  const tail = lines.slice(-count).join('\n');
  return tail.length > TAIL_CHARS ? `…${tail.slice(-TAIL_CHARS)}` : tail;
}

/**
 * The ToolError for a run that exited with `code`. Terraform writes its "Error:" blocks to
 * stderr with -no-color; stdout is the fallback for commands that put diagnostics there.
 */
export function terraformFailure(command: string, code: number, stderr: string, stdout: string): ToolError {
  const said = stderr.trim() ? stderr : stdout;
  const category = categoryOfFailure(said);
  return new ToolError(
    category,
    `terraform ${command} failed (exit ${code}): ${lastLines(said) || '(no output)'}`,
  );
}
